package org.texhash.trainer.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.ConstantInitializer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import org.junit.jupiter.api.Test;

class WeightAverageTest {
  private static float[] weights(ResumableAdamTest.Vec v) {
    return v.w.getArray().toFloatArray();
  }

  private static ResumableAdamTest.Vec vector(NDManager nd) {
    ResumableAdamTest.Vec block = new ResumableAdamTest.Vec();
    block.setInitializer(new ConstantInitializer(0f), Parameter.Type.WEIGHT);
    block.initialize(nd, DataType.FLOAT32, new Shape(1));
    return block;
  }

  @Test
  void theAverageStartsAtTheWeightsMovesByItsDecayAndSwapsBackExactly() throws Exception {
    try (NDManager nd = ai.djl.engine.Engine.getEngine("PyTorch").newBaseManager()) {
      ResumableAdamTest.Vec block = vector(nd);
      block.w.getArray().set(new float[] {1f, 2f, -3f});
      WeightAverage average = new WeightAverage(0.75f);
      average.update(block); // the first update copies the weights
      block.w.getArray().set(new float[] {5f, -2f, 1f});
      average.update(block);
      float[] expected = {0.75f * 1 + 0.25f * 5, 0.75f * 2 - 0.25f * 2, -0.75f * 3 + 0.25f};
      assertArrayEquals(expected, average.withAverages(block, () -> weights(block)), 1e-6f);
      assertArrayEquals(new float[] {5f, -2f, 1f}, weights(block), 0f);
      // the swap back leaves the average as it was
      assertArrayEquals(expected, average.withAverages(block, () -> weights(block)), 0f);

      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      average.save(new DataOutputStream(bytes));
      WeightAverage restored = new WeightAverage(0.75f);
      restored.load(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), nd);
      assertArrayEquals(expected, restored.withAverages(block, () -> weights(block)), 0f);
      block.w.getArray().set(new float[] {0f, 0f, 0f});
      average.update(block);
      restored.update(block);
      assertArrayEquals(
          average.withAverages(block, () -> weights(block)),
          restored.withAverages(block, () -> weights(block)),
          0f);
    }
  }

  @Test
  void beforeAnyUpdateTheWeightsAreTheirOwnAverage() {
    try (NDManager nd = ai.djl.engine.Engine.getEngine("PyTorch").newBaseManager()) {
      ResumableAdamTest.Vec block = vector(nd);
      block.w.getArray().set(new float[] {1f, 2f, 3f});
      assertArrayEquals(
          new float[] {1f, 2f, 3f},
          new WeightAverage(0.9f).withAverages(block, () -> weights(block)),
          0f);
    }
  }

  @Test
  void aDecayOutsideZeroToOneIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new WeightAverage(0f));
    assertThrows(IllegalArgumentException.class, () -> new WeightAverage(1f));
    assertThrows(IllegalArgumentException.class, () -> new WeightAverage(Float.NaN));
  }
}
