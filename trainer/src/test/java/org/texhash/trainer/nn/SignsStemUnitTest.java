package org.texhash.trainer.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The cheap signs stem is the 19-channel 5x5 convolution whose sign weights sit at the centre. */
class SignsStemUnitTest {
  @Test
  void equalsTheFullConvolutionWithCentredSignWeights() {
    int filters = 4;
    Shape in = new Shape(2, 3, 9, 7);
    try (NDManager m = Engine.getEngine("PyTorch").newBaseManager()) {
      Engine.getEngine("PyTorch").setRandomSeed(3);
      SignsStemUnit unit = new SignsStemUnit(filters, 5);
      unit.initialize(m, DataType.FLOAT32, in);
      Random rnd = new Random(4);
      float[] x = new float[(int) in.size()];
      for (int i = 0; i < x.length; i++) {
        x[i] = 2 * rnd.nextFloat() - 1;
      }
      ParameterStore store = new ParameterStore(m, false);
      NDArray image = m.create(x, in);
      float[] y = unit.forward(store, new NDList(image), false).singletonOrThrow().toFloatArray();

      float[] colour = weight(unit, "colour"); // [F, 3, 5, 5]
      float[] pointwise = weight(unit, "pointwise"); // [F, 19, 1, 1]
      int channels = 3 + LocalSigns.CHANNELS;
      float[] full = new float[filters * channels * 25];
      for (int f = 0; f < filters; f++) {
        System.arraycopy(colour, f * 3 * 25, full, f * channels * 25, 3 * 25);
        for (int c = 0; c < channels; c++) {
          full[(f * channels + c) * 25 + 12] += pointwise[f * channels + c];
        }
      }
      LocalSigns signs = new LocalSigns();
      signs.initialize(m, DataType.FLOAT32, in);
      NDArray withSigns = signs.forward(store, new NDList(image), false).singletonOrThrow();
      NDArray conv =
          Conv2d.conv2d(
                  withSigns,
                  m.create(full, new Shape(filters, channels, 5, 5)),
                  null,
                  new Shape(1, 1),
                  new Shape(2, 2),
                  new Shape(1, 1),
                  1)
              .singletonOrThrow();
      // fresh batch statistics: mean 0, variance 1, so inference divides by sqrt(1 + epsilon)
      float[] expected =
          Activation.relu(conv.div(Math.sqrt(1 + ConvUnit.BATCH_EPSILON))).toFloatArray();
      assertEquals(expected.length, y.length);
      for (int i = 0; i < y.length; i++) {
        assertEquals(expected[i], y[i], 1e-5f, "element " + i);
      }
    }
  }

  /** The convolution weight of {@code unit}'s child {@code child}. */
  private static float[] weight(SignsStemUnit unit, String child) {
    for (var p : unit.getParameters()) {
      if (p.getKey().contains(child) && p.getKey().endsWith("weight")) {
        return p.getValue().getArray().toFloatArray();
      }
    }
    throw new AssertionError("no weight under " + child);
  }
}
