package org.texhash.trainer.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.PairList;
import org.junit.jupiter.api.Test;

class ResumableAdamTest {
  /** A block holding one parameter vector w; the loss is sum(w^2), so the gradient is 2w. */
  static final class Vec extends AbstractBlock {
    final Parameter w =
        addParameter(
            Parameter.builder()
                .setName("w")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(3))
                .build());

    @Override
    protected NDList forwardInternal(
        ParameterStore s, NDList in, boolean training, PairList<String, Object> p) {
      return new NDList(s.getValue(w, in.head().getDevice(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
      return new Shape[] {new Shape(3)};
    }
  }

  @Test
  void matchesTheAdamFormula() {
    float lr = 0.1f;
    float b1 = 0.5f;
    float b2 = 0.999f;
    float eps = 1e-8f;
    try (NDManager m = ai.djl.engine.Engine.getEngine("PyTorch").newBaseManager()) {
      Vec v = new Vec();
      v.setInitializer(new ConstantInitializer(1f), Parameter.Type.WEIGHT);
      v.initialize(m, DataType.FLOAT32, new Shape(1));
      v.w.getArray().set(new float[] {1f, -2f, 0.5f});
      ResumableAdam adam = new ResumableAdam(lr, b1, b2, eps);
      double[] w = {1, -2, 0.5};
      double[] mean = new double[3];
      double[] var = new double[3];
      ParameterStore store = new ParameterStore(m, false);
      for (int t = 1; t <= 3; t++) {
        try (GradientCollector gc = m.getEngine().newGradientCollector()) {
          NDArray out =
              v.forward(store, new NDList(m.zeros(new Shape(1))), true).singletonOrThrow();
          gc.backward(out.square().sum());
        }
        adam.step(v);
        double corrected = lr * Math.sqrt(1 - Math.pow(b2, t)) / (1 - Math.pow(b1, t));
        for (int i = 0; i < 3; i++) {
          double g = 2 * w[i];
          mean[i] = b1 * mean[i] + (1 - b1) * g;
          var[i] = b2 * var[i] + (1 - b2) * g * g;
          w[i] -= corrected * mean[i] / (Math.sqrt(var[i]) + eps);
        }
        float[] expected = {(float) w[0], (float) w[1], (float) w[2]};
        assertArrayEquals(expected, v.w.getArray().toFloatArray(), 1e-5f, "after step " + t);
      }
    }
  }
}
