package org.texhash.trainer.tsn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.texhash.trainer.nn.UpsampleUnit;

class TsnGeneratorTest {

  /**
   * Every preset: G maps [N, 3, H, W] to [N, 3, 2H, 2W], and level l pairs an encoder and a decoder
   * map of the same shape [N, c(l), H / 2^l, W / 2^l]. The paper preset is probed at a small input
   * (G is fully convolutional) to keep the test fast; its parameters are built for S = 128.
   */
  @ParameterizedTest
  @ValueSource(strings = {"tiny", "cpu", "paper"})
  void mapsPairUpAtEveryLevel(String name) {
    TsnPreset p = TsnPreset.of(name);
    int n = p.downsamplings();
    int side = name.equals("paper") ? 2 << n : p.patchSize();
    try (TsnModel model = TsnModel.create(p, 3);
        NDManager scope = model.manager().newSubManager()) {
      NDArray x = scope.randomUniform(-1, 1, new Shape(2, 3, side, side));
      TsnGenerator.Maps maps = model.generator().forwardWithMaps(model.store(), x, false);
      assertEquals(new Shape(2, 3, 2L * side, 2L * side), maps.output().getShape());
      assertEquals(n + 1, maps.pairs().size());
      for (TsnGenerator.MapPair pair : maps.pairs()) {
        int l = pair.level();
        Shape expected = new Shape(2, p.channelsAt(l), side >> l, side >> l);
        assertEquals(expected, pair.encoder().getShape(), name + " encoder level " + l);
        assertEquals(expected, pair.decoder().getShape(), name + " decoder level " + l);
      }
      float[] out = maps.output().toFloatArray();
      for (float v : out) {
        assertTrue(v >= -1 && v <= 1, "tanh output in [-1, 1]");
      }
      assertEquals(
          new Shape(1, 3, 2L * p.patchSize(), 2L * p.patchSize()),
          model.generator()
              .getOutputShapes(new Shape[] {new Shape(1, 3, p.patchSize(), p.patchSize())})[0]);
      Shape dOut =
          model.discriminator()
              .getOutputShapes(
                  new Shape[] {new Shape(1, 3, 2L * p.patchSize(), 2L * p.patchSize())})[0];
      long patches = (2L * p.patchSize()) >> p.discDownsamplings();
      assertEquals(new Shape(1, 1, patches, patches), dOut);
    }
  }

  @Test
  void rejectsInputsThatDoNotDivide() {
    TsnPreset p = TsnPreset.of("tiny");
    try (TsnModel model = TsnModel.create(p, 3);
        NDManager scope = model.manager().newSubManager()) {
      NDArray x = scope.zeros(new Shape(1, 3, 18, 16));
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> model.generator().forwardWithMaps(model.store(), x, false));
      assertTrue(e.getMessage().contains("multiples of 4"), e.getMessage());
    }
  }

  @Test
  void presetsValidate() {
    assertThrows(IllegalArgumentException.class, () -> TsnPreset.of("huge"));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new TsnPreset(
                "bad",
                20,
                8,
                16,
                3,
                1,
                8,
                2,
                2,
                8,
                2,
                10,
                1,
                1,
                1,
                InputSkip.MIRROR)); // 20 % 8 != 0
    TsnPreset cpu = TsnPreset.of("cpu");
    assertEquals(64, cpu.patchSize());
    assertEquals(cpu, TsnPreset.fromProperties(cpu.toProperties()));
    TsnPreset longer =
        new TsnPreset(
            "cpu", 64, 16, 64, 3, 3, 16, 3, 4, 16, 3, 9000, 20, 250, 100, InputSkip.MIRROR);
    assertTrue(cpu.sameNetwork(longer), "a schedule change keeps the network");
    TsnPreset wider =
        new TsnPreset(
            "cpu", 64, 32, 64, 3, 3, 16, 3, 4, 16, 3, 6000, 20, 250, 100, InputSkip.MIRROR);
    assertTrue(!cpu.sameNetwork(wider));
  }

  @Test
  void nearestUpsamplingRepeatsPixels() {
    try (NDManager m = TsnModel.engine().newBaseManager()) {
      NDArray x = m.create(new float[] {1, 2, 3, 4}, new Shape(1, 1, 2, 2));
      float[] up = UpsampleUnit.nearest2x(x).toFloatArray();
      assertEquals(
          java.util.Arrays.toString(new float[] {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4}),
          java.util.Arrays.toString(up));
    }
  }
}
