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
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

/** The soft local signs: the colour passes through, and each channel is the sign it claims. */
class LocalSignsTest {
  private static final int SIDE = 12;

  /** {@code [1, 3, SIDE, SIDE]} grey image with luma {@code f(y, x)}. */
  private interface Luma {
    float at(int y, int x);
  }

  private static float[][][] run(Luma luma) {
    try (NDManager m = Engine.getEngine("PyTorch").newBaseManager()) {
      float[] x = new float[3 * SIDE * SIDE];
      for (int c = 0; c < 3; c++) {
        for (int y = 0; y < SIDE; y++) {
          for (int i = 0; i < SIDE; i++) {
            x[(c * SIDE + y) * SIDE + i] = luma.at(y, i);
          }
        }
      }
      LocalSigns signs = new LocalSigns();
      Shape in = new Shape(1, 3, SIDE, SIDE);
      signs.initialize(m, DataType.FLOAT32, in);
      NDArray out =
          signs
              .forward(new ParameterStore(m, false), new NDList(m.create(x, in)), false)
              .singletonOrThrow();
      assertEquals(new Shape(1, 3 + LocalSigns.CHANNELS, SIDE, SIDE), out.getShape());
      assertArrayEquals(x, out.get(":, 0:3").toFloatArray(), "the colour passes through");
      float[] f = out.toFloatArray();
      float[][][] maps = new float[3 + LocalSigns.CHANNELS][SIDE][SIDE];
      for (int c = 0; c < maps.length; c++) {
        for (int y = 0; y < SIDE; y++) {
          for (int i = 0; i < SIDE; i++) {
            maps[c][y][i] = f[(c * SIDE + y) * SIDE + i];
          }
        }
      }
      return maps;
    }
  }

  /** Channel of point {@code i} (0 = right, counter-clockwise in eighths) on circle {@code r}. */
  private static int channel(int circle, int point) {
    return 3 + circle * LocalSigns.POINTS + point;
  }

  @Test
  void flatImageHasNoSignsAwayFromTheBorder() {
    float[][][] maps = run((y, x) -> 0.3f);
    for (int c = 3; c < maps.length; c++) {
      for (int y = 2; y < SIDE - 2; y++) {
        for (int x = 2; x < SIDE - 2; x++) {
          assertEquals(0f, maps[c][y][x], 1e-6f, "channel " + c + " at " + y + "," + x);
        }
      }
    }
  }

  @Test
  void aRampRightIsPositiveRightNegativeLeftAndZeroAcross() {
    float[][][] maps = run((y, x) -> -0.5f + 0.05f * x);
    int y = SIDE / 2;
    int x = SIDE / 2;
    for (int circle = 0; circle < 2; circle++) {
      float r = circle + 1;
      // luma(p + o) - luma(p) = 0.05 r cos(angle): tanh of 8 times that
      assertEquals(Math.tanh(8 * 0.05 * r), maps[channel(circle, 0)][y][x], 1e-5);
      assertEquals(-Math.tanh(8 * 0.05 * r), maps[channel(circle, 4)][y][x], 1e-5);
      assertEquals(0, maps[channel(circle, 2)][y][x], 1e-6, "up: the ramp does not change");
      assertEquals(0, maps[channel(circle, 6)][y][x], 1e-6, "down");
      double diagonal = Math.tanh(8 * 0.05 * r * Math.cos(Math.PI / 4));
      assertEquals(diagonal, maps[channel(circle, 1)][y][x], 1e-5, "interpolated diagonal");
    }
  }

  @Test
  void upIsTheRowAbove() {
    // brighter towards the top (smaller y): the point at a quarter turn (up) is brighter
    float[][][] maps = run((y, x) -> 0.5f - 0.05f * y);
    assertTrue(maps[channel(0, 2)][6][6] > 0.3f);
    assertTrue(maps[channel(0, 6)][6][6] < -0.3f);
  }

  @Test
  void aBrightnessShiftKeepsEverySignAwayFromTheBorder() {
    Luma texture = (y, x) -> 0.4f * (float) Math.sin(1.3 * x + 0.7 * y * y);
    float[][][] a = run(texture);
    float[][][] b = run((y, x) -> texture.at(y, x) + 0.3f);
    for (int c = 3; c < a.length; c++) {
      for (int y = 2; y < SIDE - 2; y++) {
        for (int x = 2; x < SIDE - 2; x++) {
          assertEquals(a[c][y][x], b[c][y][x], 1e-5f);
        }
      }
    }
  }

  @Test
  void refusesAnythingButThreeChannels() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new LocalSigns().getOutputShapes(new Shape[] {new Shape(1, 4, 8, 8)}));
  }
}
