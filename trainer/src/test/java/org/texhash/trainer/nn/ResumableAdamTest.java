package org.texhash.trainer.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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

  /** A matrix m (2 x 2) and a vector b (2); the loss is sum(m^2) + sum(b^2). */
  static final class MatrixAndBias extends AbstractBlock {
    final Parameter m = parameter("m", new Shape(2, 2));
    final Parameter b = parameter("b", new Shape(2));

    private Parameter parameter(String name, Shape shape) {
      return addParameter(
          Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).optShape(shape).build());
    }

    @Override
    protected NDList forwardInternal(
        ParameterStore s, NDList in, boolean training, PairList<String, Object> p) {
      NDArray sum =
          s.getValue(m, in.head().getDevice(), training)
              .square()
              .sum()
              .add(s.getValue(b, in.head().getDevice(), training).square().sum());
      return new NDList(sum);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
      return new Shape[] {new Shape()};
    }
  }

  @Test
  void weightDecayShrinksMatricesBeforeTheirUpdateAndLeavesVectorsAlone() {
    assertDecayedSteps(1f);
  }

  @Test
  void aScaledParameterStepsAndDecaysAtItsShareOfTheRate() {
    assertDecayedSteps(0.25f);
    try (NDManager nd = ai.djl.engine.Engine.getEngine("PyTorch").newBaseManager()) {
      MatrixAndBias block = new MatrixAndBias();
      block.setInitializer(new ConstantInitializer(1f), Parameter.Type.WEIGHT);
      block.initialize(nd, DataType.FLOAT32, new Shape(1));
      ResumableAdam adam = new ResumableAdam(0.1f, 0.9f, 0.999f, 1e-8f);
      // a share above the step's rate, or none, is a caller's mistake
      assertThrows(IllegalArgumentException.class, () -> adam.step(block, 0.1f, 0f, p -> 2.0));
      assertThrows(IllegalArgumentException.class, () -> adam.step(block, 0.1f, 0f, p -> 0.0));
    }
  }

  /** Three AdamW steps against the formula, m's rate and decay scaled by {@code mScale}. */
  private static void assertDecayedSteps(float mScale) {
    float lr = 0.1f;
    float wd = 0.5f;
    float b1 = 0.9f;
    float b2 = 0.999f;
    float eps = 1e-8f;
    try (NDManager nd = ai.djl.engine.Engine.getEngine("PyTorch").newBaseManager()) {
      MatrixAndBias block = new MatrixAndBias();
      block.setInitializer(new ConstantInitializer(1f), Parameter.Type.WEIGHT);
      block.initialize(nd, DataType.FLOAT32, new Shape(1));
      block.m.getArray().set(new float[] {1f, -2f, 0.5f, 3f});
      block.b.getArray().set(new float[] {1f, -2f});
      double[] m = {1, -2, 0.5, 3};
      double[] b = {1, -2};
      double[][] moments = new double[2][6]; // mean and variance of m's 4 and b's 2 entries
      ResumableAdam adam = new ResumableAdam(lr, b1, b2, eps);
      ParameterStore store = new ParameterStore(nd, false);
      for (int t = 1; t <= 3; t++) {
        try (GradientCollector gc = nd.getEngine().newGradientCollector()) {
          gc.backward(
              block.forward(store, new NDList(nd.zeros(new Shape(1))), true).singletonOrThrow());
        }
        adam.step(block, lr, wd, p -> p == block.m ? mScale : 1.0);
        double bias = Math.sqrt(1 - Math.pow(b2, t)) / (1 - Math.pow(b1, t));
        for (int i = 0; i < 6; i++) {
          boolean matrix = i < 4;
          double rate = matrix ? lr * mScale : lr;
          double w = matrix ? m[i] : b[i - 4];
          double g = 2 * w; // the gradient of the weight before its decay
          double decayed = matrix ? w * (1 - rate * wd) : w;
          double next = decayed - adamStep(moments[0], moments[1], i, g, b1, b2, eps, rate * bias);
          if (matrix) {
            m[i] = next;
          } else {
            b[i - 4] = next;
          }
        }
        assertArrayEquals(floats(m), block.m.getArray().toFloatArray(), 1e-5f, "m, step " + t);
        assertArrayEquals(floats(b), block.b.getArray().toFloatArray(), 1e-5f, "b, step " + t);
      }
    }
  }

  /** Adam's reference step for entry i: updates its moments by gradient g, returns the step. */
  private static double adamStep(
      double[] mean,
      double[] var,
      int i,
      double g,
      double b1,
      double b2,
      double eps,
      double corrected) {
    mean[i] = b1 * mean[i] + (1 - b1) * g;
    var[i] = b2 * var[i] + (1 - b2) * g * g;
    return corrected * mean[i] / (Math.sqrt(var[i]) + eps);
  }

  private static float[] floats(double[] values) {
    float[] f = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      f[i] = (float) values[i];
    }
    return f;
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
          w[i] -= adamStep(mean, var, i, g, b1, b2, eps, corrected);
        }
        float[] expected = {(float) w[0], (float) w[1], (float) w[2]};
        assertArrayEquals(expected, v.w.getArray().toFloatArray(), 1e-5f, "after step " + t);
      }
    }
  }
}
