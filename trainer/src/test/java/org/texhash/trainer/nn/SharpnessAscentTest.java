package org.texhash.trainer.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SharpnessAscentTest {
  private static final float RHO = 0.01f;

  /** Linear, batch norm (running statistics that a forward pass moves), ReLU, linear. */
  private static SequentialBlock network(NDManager nd) {
    SequentialBlock b =
        new SequentialBlock()
            .add(Linear.builder().setUnits(6).build())
            .add(BatchNorm.builder().build())
            .add(Activation::relu)
            .add(Linear.builder().setUnits(1).build());
    b.initialize(nd, DataType.FLOAT32, new Shape(16, 3));
    return b;
  }

  /** Mean squared error, with its backward pass: the gradients of every trainable weight. */
  private static float lossAndGradients(
      SequentialBlock b, ParameterStore store, NDArray x, NDArray y) {
    try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
      NDArray loss = b.forward(store, new NDList(x), true).head().sub(y).square().mean();
      gc.backward(loss);
      return loss.getFloat();
    }
  }

  private static List<float[]> values(SequentialBlock b, boolean trainable) {
    List<float[]> out = new ArrayList<>();
    for (Pair<String, Parameter> p : b.getParameters()) {
      if (p.getValue().requiresGradient() == trainable) {
        out.add(p.getValue().getArray().toFloatArray());
      }
    }
    return out;
  }

  private static List<float[]> gradients(SequentialBlock b) {
    List<float[]> out = new ArrayList<>();
    for (Pair<String, Parameter> p : b.getParameters()) {
      if (p.getValue().requiresGradient()) {
        try (NDArray g = p.getValue().getArray().getGradient()) {
          out.add(g.toFloatArray());
        }
      }
    }
    return out;
  }

  @Test
  void theWeightsMoveRhoUphillAndComeBackToTheBitWithTheStatistics() {
    Engine engine = Engine.getEngine("PyTorch");
    engine.setRandomSeed(11);
    try (NDManager nd = engine.newBaseManager()) {
      SequentialBlock b = network(nd);
      ParameterStore store = new ParameterStore(nd, false);
      NDArray x = nd.randomNormal(new Shape(16, 3));
      NDArray y = nd.randomNormal(new Shape(16, 1));
      float atW = lossAndGradients(b, store, x, y);
      List<float[]> weights = values(b, true);
      List<float[]> statistics = values(b, false);
      List<float[]> plainGradients = gradients(b);
      assertFalse(statistics.isEmpty(), "batch norm's running statistics");

      List<float[]> samGradients;
      try (SharpnessAscent.Perturbation uphill = SharpnessAscent.perturb(b, RHO)) {
        double moved = 0;
        List<float[]> now = values(b, true);
        for (int i = 0; i < now.size(); i++) {
          for (int j = 0; j < now.get(i).length; j++) {
            double d = now.get(i)[j] - weights.get(i)[j];
            moved += d * d;
          }
        }
        assertEquals(RHO, Math.sqrt(moved), 1e-5, "moved rho in all");
        for (float[] g : gradients(b)) {
          assertArrayEquals(new float[g.length], g, "the first gradient is zeroed");
        }
        float uphillLoss = lossAndGradients(b, store, x, y);
        assertTrue(uphillLoss > atW, "uphill: " + uphillLoss + " against " + atW);
        samGradients = gradients(b);
      }
      List<float[]> afterWeights = values(b, true);
      List<float[]> afterStatistics = values(b, false);
      for (int i = 0; i < weights.size(); i++) {
        assertArrayEquals(weights.get(i), afterWeights.get(i), 0f, "weights as they were");
      }
      for (int i = 0; i < statistics.size(); i++) {
        assertArrayEquals(statistics.get(i), afterStatistics.get(i), 0f, "statistics too");
      }
      List<float[]> kept = gradients(b);
      boolean differs = false;
      for (int i = 0; i < kept.size(); i++) {
        assertArrayEquals(samGradients.get(i), kept.get(i), 0f, "the uphill gradient is kept");
        differs |= !java.util.Arrays.equals(kept.get(i), plainGradients.get(i));
      }
      assertTrue(differs, "the uphill gradient is not the plain one");
    }
  }

  @Test
  void aRadiusOfZeroOrBelowIsRefused() {
    try (NDManager nd = Engine.getEngine("PyTorch").newBaseManager()) {
      SequentialBlock b = network(nd);
      assertThrows(IllegalArgumentException.class, () -> SharpnessAscent.perturb(b, 0f));
      assertThrows(IllegalArgumentException.class, () -> SharpnessAscent.perturb(b, -1f));
    }
  }
}
