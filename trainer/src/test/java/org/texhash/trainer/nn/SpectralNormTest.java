package org.texhash.trainer.nn;

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
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.texhash.trainer.onnx.OnnxGraph;

class SpectralNormTest {
  private static NDManager manager() {
    return Engine.getEngine("PyTorch").newBaseManager();
  }

  @Test
  void sigmaIsTheLargestSingularValue() {
    try (NDManager m = manager()) {
      // rows scaled by 3, 1 and 0.5 of orthonormal rows: singular values exactly 3, 1, 0.5
      float[] w = new float[3 * 4];
      w[0] = 3f;
      w[4 + 1] = 1f;
      w[8 + 3] = -0.5f;
      NDArray weight = m.create(w, new Shape(3, 1, 2, 2)); // a 1-channel 2x2 conv, 3 filters
      assertEquals(3f, SpectralNorm.sigma(weight, m).getFloat(), 1e-4f);
    }
  }

  @Test
  void aRandomWeightIsEstimatedFromBelowAndNormalisedToOne() {
    Random r = new Random(11);
    float[] w = new float[16 * 8 * 3 * 3];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) r.nextGaussian();
    }
    double exact = largestSingularValue(w, 16);
    try (NDManager m = manager()) {
      NDArray weight = m.create(w, new Shape(16, 8, 3, 3));
      float estimate = SpectralNorm.sigma(weight, m).getFloat();
      assertTrue(
          estimate <= exact * (1 + 1e-5) && estimate > 0.95 * exact,
          "estimate " + estimate + " against " + exact);
      // the same iteration on the scaled weight meets the same vectors: exactly 1 after scaling
      NDArray normalised = SpectralNorm.normalize(weight, m);
      assertEquals(1f, SpectralNorm.sigma(normalised, m).getFloat(), 1e-4f);
    }
  }

  /**
   * The weight learns through sigma too: its gradient is finite and not the plain one over sigma.
   */
  @Test
  void gradientReachesTheWeightThroughSigma() {
    try (NDManager m = manager()) {
      NDArray weight = m.randomNormal(new Shape(4, 2, 3, 3));
      NDArray target = m.randomNormal(new Shape(4, 2, 3, 3));
      weight.setRequiresGradient(true);
      float sigma = SpectralNorm.sigma(weight, m).getFloat();
      try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
        gc.backward(SpectralNorm.normalize(weight, m).mul(target).sum());
      }
      float[] grad = weight.getGradient().toFloatArray();
      float[] plain = target.div(sigma).toFloatArray();
      double difference = 0;
      for (int i = 0; i < grad.length; i++) {
        assertTrue(Float.isFinite(grad[i]));
        difference += Math.abs(grad[i] - plain[i]);
      }
      assertTrue(difference > 1e-3, "sigma's own gradient is missing");
    }
  }

  /** D's units: padding, stride and bias as the plain unit's, with the weight over sigma. */
  @Test
  void spectralUnitIsThePlainUnitWithTheWeightOverSigma() {
    for (int[] ks : new int[][] {{4, 2}, {3, 1}}) {
      try (NDManager m = manager()) {
        Shape in = new Shape(2, 3, 8, 8);
        ConvUnit plain = new ConvUnit(5, ks[0], ks[1], ConvUnit.Norm.NONE, ConvUnit.Act.NONE);
        ConvUnit spectral =
            ConvUnit.spectral(5, ks[0], ks[1], ConvUnit.Norm.NONE, ConvUnit.Act.NONE);
        plain.initialize(m, DataType.FLOAT32, in);
        spectral.initialize(m, DataType.FLOAT32, in);
        var from = plain.getParameters();
        var to = spectral.getParameters();
        for (int i = 0; i < from.size(); i++) {
          to.get(i).getValue().getArray().set(from.get(i).getValue().getArray().toFloatArray());
        }
        NDArray bias = null;
        for (var p : from) {
          if (p.getKey().endsWith("bias")) {
            bias = p.getValue().getArray().reshape(1, 5, 1, 1);
          }
        }
        float sigma = SpectralNorm.sigma(plain.kernelWeights(), m).getFloat();
        NDArray x = m.randomUniform(-1, 1, in);
        ParameterStore store = new ParameterStore(m, false);
        NDArray expected =
            plain
                .forward(store, new NDList(x), false)
                .singletonOrThrow()
                .sub(bias)
                .div(sigma)
                .add(bias);
        NDArray actual = spectral.forward(store, new NDList(x), false).singletonOrThrow();
        assertArrayEquals(expected.toFloatArray(), actual.toFloatArray(), 1e-5f, "kernel " + ks[0]);
        assertThrows(
            UnsupportedOperationException.class, () -> spectral.emitOnnx(new OnnxGraph("d"), "x"));
      }
    }
  }

  /** sqrt of the largest eigenvalue of W W^T, by power iteration to convergence, in doubles. */
  private static double largestSingularValue(float[] w, int rows) {
    int cols = w.length / rows;
    double[] u = new double[rows];
    java.util.Arrays.fill(u, 1);
    double lambda = 0;
    for (int it = 0; it < 5000; it++) {
      double[] v = new double[cols];
      for (int i = 0; i < rows; i++) {
        for (int j = 0; j < cols; j++) {
          v[j] += w[i * cols + j] * u[i];
        }
      }
      double[] next = new double[rows];
      for (int i = 0; i < rows; i++) {
        for (int j = 0; j < cols; j++) {
          next[i] += w[i * cols + j] * v[j];
        }
      }
      double n = 0;
      for (double e : next) {
        n += e * e;
      }
      n = Math.sqrt(n);
      lambda = n;
      for (int i = 0; i < rows; i++) {
        u[i] = next[i] / n;
      }
    }
    return Math.sqrt(lambda);
  }
}
