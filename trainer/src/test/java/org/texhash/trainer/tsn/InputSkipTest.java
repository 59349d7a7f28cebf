package org.texhash.trainer.tsn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.texhash.trainer.nn.Chw;

class InputSkipTest {

  /**
   * The tensor extensions G's head reads are exactly the naive expansions the evaluation scores.
   */
  @Test
  void tensorExtensionsMatchTheNaiveExpansions() {
    SplittableRandom rnd = new SplittableRandom(5);
    for (int[] hw : new int[][] {{16, 16}, {8, 12}, {2, 4}}) {
      float[] data = new float[3 * hw[0] * hw[1]];
      for (int i = 0; i < data.length; i++) {
        data[i] = (float) rnd.nextDouble(-1, 1);
      }
      Chw c = new Chw(hw[0], hw[1], data);
      try (NDManager m = TsnModel.engine().newBaseManager()) {
        NDArray x = m.create(data, new Shape(1, 3, hw[0], hw[1]));
        assertArrayEquals(
            c.mirrorTo(2 * hw[0], 2 * hw[1]).data(), InputSkip.mirror2x(x).toFloatArray(), 0f);
        assertArrayEquals(
            c.tileTo(2 * hw[0], 2 * hw[1]).data(), InputSkip.tile2x(x).toFloatArray(), 0f);
      }
    }
  }

  /**
   * With the mirror skip a new G is exactly mirror padding (its correction head starts at zero), so
   * its centre is its input; without the skip it is not.
   */
  @Test
  void untrainedGeneratorWithTheSkipKeepsItsInput() {
    Chw input = Chw.of(org.texhash.indexer.image.SyntheticTextures.generate(4, 16, 16));
    TsnPreset tiny = TsnPreset.of("tiny");
    assertEquals(InputSkip.MIRROR, tiny.inputSkip());
    try (TsnModel skip = TsnModel.create(tiny, 2);
        TsnModel none = TsnModel.create(tiny.withInputSkip(InputSkip.NONE), 2)) {
      double withSkip = skip.expand(input).centerCrop(16, 16).l1(input);
      double without = none.expand(input).centerCrop(16, 16).l1(input);
      assertEquals(0.0, withSkip, 1e-6);
      assertArrayEquals(input.mirrorTo(32, 32).data(), skip.expand(input).data(), 1e-6f);
      assertTrue(without > 0.05, "centre L1 without the skip: " + without);
    }
  }

  @Test
  void presetsRoundTripTheSkipAndOldFilesHaveNone() {
    TsnPreset cpu = TsnPreset.of("cpu");
    assertEquals(cpu, TsnPreset.fromProperties(cpu.toProperties()));
    var old = cpu.toProperties();
    old.remove("inputSkip");
    assertEquals(InputSkip.NONE, TsnPreset.fromProperties(old).inputSkip());
    assertTrue(!cpu.sameNetwork(cpu.withInputSkip(InputSkip.NONE)));
  }
}
