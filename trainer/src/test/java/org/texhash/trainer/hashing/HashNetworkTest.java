package org.texhash.trainer.hashing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.texhash.trainer.nn.GlobalPool;
import org.texhash.trainer.tsn.TsnGenerator;
import org.texhash.trainer.tsn.TsnPreset;

class HashNetworkTest {

  @Test
  void shapesForEveryPresetAndCodeLength() {
    for (String name : TsnPreset.NAMES) {
      TsnPreset p = TsnPreset.of(name);
      List<Integer> taps = HashPreset.tapChannels(p);
      assertEquals(p.downsamplings() + 1, taps.size());
      for (int k : new int[] {16, 32, 64, 128, 256}) {
        for (String backbone : List.of("tsn", "cnn")) {
          Backbone b =
              backbone.equals("tsn")
                  ? new TsnTaps(new TsnGenerator(p))
                  : new PlainCnn(p.patchSize(), taps);
          HashNetwork net =
              HashNetwork.builder()
                  .backbone(b)
                  .bits(k)
                  .classes(325)
                  .dims(HashPreset.tapsDims(taps))
                  .build();
          Shape[] out =
              net.getOutputShapes(new Shape[] {new Shape(2, 3, p.patchSize(), p.patchSize())});
          assertEquals(new Shape(2, k), out[0]);
          assertEquals(new Shape(2, 325), out[1]);
          Shape[] tapShapes = net.tapShapes(new Shape(2, 3, p.patchSize(), p.patchSize()));
          assertEquals(p.patchSize() >> p.downsamplings(), tapShapes[tapShapes.length - 1].get(2));
        }
      }
    }
  }

  @Test
  void aDeeperCnnGivesTheSameTapShapesWithMoreParameters() {
    TsnPreset cpu = TsnPreset.of("cpu");
    List<Integer> taps = HashPreset.tapChannels(cpu);
    Shape in = new Shape(2, 3, cpu.patchSize(), cpu.patchSize());
    Shape[] shallow = new PlainCnn(cpu.patchSize(), taps).getOutputShapes(new Shape[] {in});
    long previous = 0;
    try (NDManager m = Engine.getEngine("PyTorch").newBaseManager()) {
      for (int depth = 1; depth <= PlainCnn.MAX_DEPTH; depth++) {
        PlainCnn cnn = new PlainCnn(cpu.patchSize(), taps, depth, PlainCnn.Stem.RGB);
        assertArrayEquals(shallow, cnn.getOutputShapes(new Shape[] {in}));
        cnn.initialize(m, DataType.FLOAT32, new Shape(1, 3, cpu.patchSize(), cpu.patchSize()));
        long params = 0;
        for (var p : cnn.getParameters().values()) {
          params += p.getArray().size();
        }
        assertTrue(params > previous, depth + ": " + params + " <= " + previous);
        previous = params;
      }
    }
    assertThrows(
        IllegalArgumentException.class, () -> new PlainCnn(16, taps, 0, PlainCnn.Stem.RGB));
    assertThrows(
        IllegalArgumentException.class,
        () -> new PlainCnn(16, taps, PlainCnn.MAX_DEPTH + 1, PlainCnn.Stem.RGB));
  }

  @Test
  void forwardOnTheTinyPresetGivesCodesAndLogits() {
    TsnPreset tiny = TsnPreset.of("tiny");
    try (NDManager m = Engine.getEngine("PyTorch").newBaseManager()) {
      TsnGenerator g = new TsnGenerator(tiny);
      g.initialize(m, DataType.FLOAT32, new Shape(1, 3, 16, 16));
      for (int k : new int[] {16, 64}) {
        for (int kernel : new int[] {3, 0}) {
          HashNetwork net =
              HashNetwork.builder()
                  .backbone(new TsnTaps(g))
                  .bits(k)
                  .classes(5)
                  .dims(32)
                  .attentionKernel(kernel)
                  .build();
          net.initialize(m, DataType.FLOAT32, new Shape(1, 3, 16, 16));
          NDList out =
              net.forward(
                  new ParameterStore(m, false),
                  new NDList(m.randomUniform(-1, 1, new Shape(4, 3, 16, 16))),
                  false);
          assertEquals(new Shape(4, k), out.get(0).getShape());
          assertEquals(new Shape(4, 5), out.get(1).getShape());
          assertEquals(kernel > 0, net.fusion().hasAttention());
        }
      }
    }
  }

  @Test
  void aProjectionHeadFeedsTheClassifierAndLeavesTheCodesAlone() {
    TsnPreset tiny = TsnPreset.of("tiny");
    List<Integer> taps = HashPreset.tapChannels(tiny);
    try (NDManager m = Engine.getEngine("PyTorch").newBaseManager()) {
      NDArray x = m.randomUniform(-1, 1, new Shape(4, 3, 16, 16));
      long[] params = new long[2];
      NDArray[] codes = new NDArray[2];
      for (int run = 0; run < 2; run++) {
        Engine.getEngine("PyTorch").setRandomSeed(7); // both networks start from the same weights
        HashNetwork net =
            HashNetwork.builder()
                .backbone(new PlainCnn(16, taps))
                .bits(16)
                .classes(5)
                .dims(32)
                .cosineClassifier(true)
                .projectionHead(run == 0 ? 0 : 48)
                .build();
        net.initialize(m, DataType.FLOAT32, new Shape(1, 3, 16, 16));
        NDList out = net.forward(new ParameterStore(m, false), new NDList(x), false);
        assertEquals(new Shape(4, 16), out.get(0).getShape());
        assertEquals(new Shape(4, 5), out.get(1).getShape());
        assertArrayEquals(
            new Shape[] {new Shape(4, 16), new Shape(4, 5)},
            net.getOutputShapes(new Shape[] {x.getShape()}));
        codes[run] = out.get(0);
        for (var p : net.getParameters().values()) {
          params[run] += p.getArray().size();
        }
      }
      // the head: 16 x 48 + 48 and 48 x 48 + 48; the cosine classifier's 5 rows grow 16 -> 48
      assertEquals(16 * 48 + 48 + 48 * 48 + 48 + 5 * (48 - 16), params[1] - params[0]);
      assertArrayEquals(codes[0].toFloatArray(), codes[1].toFloatArray(), 0f);
    }
  }

  @Test
  void aDropoutMaskZerosAboutPAndKeepsTheMean() {
    try (NDManager m = Engine.getEngine("PyTorch").newBaseManager()) {
      HashNetwork net =
          HashNetwork.builder()
              .backbone(new PlainCnn(16, HashPreset.tapChannels(TsnPreset.of("tiny"))))
              .bits(16)
              .classes(5)
              .dims(32)
              .build();
      net.initialize(m, DataType.FLOAT32, new Shape(1, 3, 16, 16));
      float[] mask = net.dropoutMask(200, 0.25f, new Random(7));
      assertEquals(200 * 32, mask.length);
      int zeros = 0;
      double sum = 0;
      for (float v : mask) {
        assertTrue(v == 0f || v == 1f / 0.75f, "a mask value is 0 or 1 / (1 - p): " + v);
        zeros += v == 0f ? 1 : 0;
        sum += v;
      }
      // 6,400 draws: the zero fraction's standard deviation is 0.0054, the bounds are 9 of them
      assertEquals(0.25, zeros / (double) mask.length, 0.05);
      assertEquals(1.0, sum / mask.length, 0.07);
      assertArrayEquals(mask, net.dropoutMask(200, 0.25f, new Random(7)));

      // the mask multiplies the descriptor: all zeros leave only the hash layer's bias
      ParameterStore store = new ParameterStore(m, false);
      NDArray x = m.randomUniform(-1, 1, new Shape(2, 3, 16, 16));
      NDArray none = m.zeros(new Shape(2, 32));
      float[] u = net.forward(store, new NDList(x, none), false).get(0).toFloatArray();
      assertArrayEquals(Arrays.copyOfRange(u, 0, 16), Arrays.copyOfRange(u, 16, 32), 0f);
      NDArray ones = m.ones(new Shape(2, 32));
      assertArrayEquals(
          net.forward(store, new NDList(x), false).get(0).toFloatArray(),
          net.forward(store, new NDList(x, ones), false).get(0).toFloatArray(),
          0f);
    }
  }

  @Test
  void builderRefusesIncompleteNetworks() {
    assertThrows(
        IllegalArgumentException.class,
        () -> HashNetwork.builder().bits(64).classes(3).dims(8).build());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new HashOptions(
                HashPreset.of("tiny"),
                Objective.DSDH,
                BackboneKind.TSN,
                64,
                true,
                true,
                10,
                1,
                null,
                TrainingCrops.PLAIN,
                16, // tiny's S
                null));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new HashOptions(
                HashPreset.of("tiny"),
                Objective.DSDH,
                BackboneKind.CNN,
                48,
                true,
                false,
                10,
                1,
                null,
                TrainingCrops.PLAIN,
                16, // tiny's S
                null));
    assertThrows(IllegalArgumentException.class, () -> Objective.of("sdh"));
  }

  /**
   * A network saved before pooling became an option (the file was written by that release: cnn
   * backbone with taps 16, 32, 32 at S = 16, D = 24, 16 bits, 5 classes) still loads into the same
   * network, whose pooling is the mean: checkpoints of runs in progress must stay readable. (A
   * mean_std network has another hash layer; the checkpoint's recorded pooling refuses that.)
   */
  @Test
  void networksSavedByAnEarlierReleaseStillLoad() throws Exception {
    try (NDManager m = Engine.getEngine("PyTorch").newBaseManager();
        var in =
            new java.io.DataInputStream(
                getClass().getResourceAsStream("/formats/hashnet-cnn-16bits-2026-12.params"))) {
      HashNetwork net =
          HashNetwork.builder()
              .backbone(new PlainCnn(16, List.of(16, 32, 32)))
              .bits(16)
              .classes(5)
              .dims(24)
              .pooling(GlobalPool.Kind.MEAN)
              .build();
      net.initialize(m, DataType.FLOAT32, new Shape(1, 3, 16, 16));
      net.loadParameters(m, in);
      var u = net.codes(new ParameterStore(m, false), m.ones(new Shape(2, 3, 16, 16)), false);
      assertEquals(new Shape(2, 16), u.getShape());
    }
  }
}
