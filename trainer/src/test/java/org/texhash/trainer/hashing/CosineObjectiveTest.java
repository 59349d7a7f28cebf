package org.texhash.trainer.hashing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.texhash.trainer.tsn.TsnModel;
import org.texhash.trainer.tsn.TsnPreset;

/** The cosine objective: a normalised classifier and a margin softmax over its cosines. */
class CosineObjectiveTest {

  @Test
  void theClassifierGivesCosinesAndHasNoBias() {
    TsnPreset tiny = TsnPreset.of("tiny");
    try (NDManager m = NDManager.newBaseManager(TsnModel.ENGINE)) {
      HashNetwork net = tinyCosineNetwork(tiny);
      Shape x = new Shape(5, 3, tiny.patchSize(), tiny.patchSize());
      net.initialize(m, DataType.FLOAT32, x);
      ParameterStore store = new ParameterStore(m, false);
      NDList out = net.forward(store, new NDList(m.randomUniform(-1, 1, x)), false);
      float[] cosines = out.get(1).toFloatArray();
      assertEquals(5 * 7, cosines.length);
      for (float c : cosines) {
        assertTrue(c >= -1.0001f && c <= 1.0001f, "cosine " + c);
      }
      // scaling u leaves the cosines as they are
      NDArray scaled = net.classify(store, out.get(0).mul(3f), false);
      float[] again = scaled.toFloatArray();
      for (int i = 0; i < cosines.length; i++) {
        assertEquals(cosines[i], again[i], 1e-5);
      }
      var keys = net.getParameters().keys();
      assertTrue(keys.contains("04classify_weight"), keys.toString());
      assertFalse(keys.contains("04classify_bias"), keys.toString());
    }
  }

  @Test
  void classifyingLeavesNothingInTheParametersManager() {
    TsnPreset tiny = TsnPreset.of("tiny");
    try (NDManager params = NDManager.newBaseManager(TsnModel.ENGINE);
        NDManager step = NDManager.newBaseManager(TsnModel.ENGINE)) {
      HashNetwork net = tinyCosineNetwork(tiny);
      net.initialize(params, DataType.FLOAT32, new Shape(1, 3, tiny.patchSize(), tiny.patchSize()));
      // a capped manager refuses new arrays: a temporary of the step landing there (and staying
      // until the run ends, one per step) throws
      params.cap();
      NDArray u = step.randomUniform(-1, 1, new Shape(4, 16));
      NDArray cosines = net.classify(new ParameterStore(params, false), u, true);
      assertEquals(new Shape(4, 7), cosines.getShape());
    }
  }

  @Test
  void theStraightThroughCodesAreTheSignsWithTheGradientOfTheScaledOutputs() {
    try (NDManager m = NDManager.newBaseManager(TsnModel.ENGINE)) {
      float[] values = {-0.3f, 0.2f, 1.5f, -2f};
      NDArray weights = m.create(new float[] {1f, -2f, 3f, 0.5f}, new Shape(1, 4));
      NDArray u = m.create(values, new Shape(1, 4));
      u.setRequiresGradient(true);
      try (GradientCollector gc = m.getEngine().newGradientCollector()) {
        NDArray codes = Objective.signStraightThrough(u);
        assertArrayEquals(new float[] {-1f, 1f, 1f, -1f}, codes.toFloatArray());
        gc.backward(codes.mul(weights).sum());
      }
      // the gradient of sum(w * 2 u / |u|), K = 4: (2 / |u|) (w - (w . û) û)
      double norm = Math.sqrt(0.09 + 0.04 + 2.25 + 4);
      double[] w = {1, -2, 3, 0.5};
      double dot = 0;
      for (int i = 0; i < 4; i++) {
        dot += w[i] * values[i] / norm;
      }
      float[] expected = new float[4];
      for (int i = 0; i < 4; i++) {
        expected[i] = (float) (2 / norm * (w[i] - dot * values[i] / norm));
      }
      assertArrayEquals(expected, u.getGradient().toFloatArray(), 1e-5f);
    }
  }

  @Test
  void lossIsTheMarginSoftmaxOfTheScaledCosines() {
    try (NDManager m = NDManager.newBaseManager(TsnModel.ENGINE)) {
      int classes = 5;
      int rows = 3;
      int[] labels = {0, 3, 4};
      DiscreteCodes codes = new DiscreteCodes(labels, classes, 8, 1, 1, 0.1, 1);
      int[] slots = {0, 1, 2};
      NDArray u = m.create(new float[rows * 8], new Shape(rows, 8)).add(1f); // no quantisation
      // each row is at cosine 1 to its class and 0 to the others
      float[] aligned = new float[rows * classes];
      for (int r = 0; r < rows; r++) {
        aligned[r * classes + labels[r]] = 1f;
      }
      float[] equal = new float[rows * classes];
      Arrays.fill(equal, 0.5f);
      double s = Objective.COSINE_SCALE;
      double margin = Objective.COSINE_MARGIN;
      double right = s * (1 - margin);
      assertEquals(
          -Math.log(Math.exp(right) / (Math.exp(right) + classes - 1)),
          loss(m, u, aligned, slots, codes),
          1e-4);
      // with every cosine equal the margin alone puts the true class behind
      double lowered = -s * margin;
      assertEquals(
          -Math.log(Math.exp(lowered) / (Math.exp(lowered) + classes - 1)),
          loss(m, u, equal, slots, codes),
          1e-4);
      // another scale and margin, as --cosine-scale 32 --cosine-margin 0.35 set them
      NDArray logits = m.create(aligned, new Shape(rows, classes));
      double sharper = 32 * (1 - 0.35);
      assertEquals(
          -Math.log(Math.exp(sharper) / (Math.exp(sharper) + classes - 1)),
          Objective.COSINE.loss(u, logits, slots, codes, 0.1, 32f, 0.35f).main().getFloat(),
          1e-4);
      assertTrue(Objective.COSINE.cosineClassifier());
      assertFalse(Objective.DHCQ.cosineClassifier());
    }
  }

  /** 16 bits, 7 classes, the plain CNN of {@code tiny}. */
  private static HashNetwork tinyCosineNetwork(TsnPreset tiny) {
    return HashNetwork.builder()
        .backbone(new PlainCnn(tiny.patchSize(), HashPreset.tapChannels(tiny)))
        .bits(16)
        .classes(7)
        .dims(HashPreset.tapsDims(HashPreset.tapChannels(tiny)))
        .cosineClassifier(true)
        .build();
  }

  private static double loss(
      NDManager m, NDArray u, float[] cosines, int[] slots, DiscreteCodes codes) {
    NDArray logits = m.create(cosines, new Shape(slots.length, cosines.length / slots.length));
    Objective.Terms t = Objective.COSINE.loss(u, logits, slots, codes);
    assertEquals(0f, t.quantisation().getFloat(), 1e-6);
    return t.main().getFloat();
  }
}
