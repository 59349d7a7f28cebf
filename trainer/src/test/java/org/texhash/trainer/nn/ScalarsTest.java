package org.texhash.trainer.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Gradients through {@link Scalars} survive a garbage collection between the forward and the
 * backward pass. The same test with {@code x.mul(2f)} in place of {@code Scalars.times(x, 2f)} gave
 * gradients of 1001, 1003, -4.3e29 and 2.7e-17 instead of 2 (DJL 0.36, PyTorch engine): the freed
 * constant's memory had been reused by the buffers allocated here.
 */
class ScalarsTest {
  private static final float[] X = {0.5f, 2f, 3f};

  @Test
  void gradientsAreExactAfterACollectionBetweenForwardAndBackward() throws Exception {
    check(x -> Scalars.times(x, 2f), new float[] {2f, 2f, 2f});
    check(x -> Scalars.over(x, 4f), new float[] {0.25f, 0.25f, 0.25f});
    check(x -> Scalars.power(x, 2f), new float[] {1f, 4f, 6f});
    check(x -> Scalars.atLeast(x, 1f), new float[] {0f, 1f, 1f});
  }

  private static void check(UnaryOperator<NDArray> op, float[] expected) throws Exception {
    Engine engine = Engine.getEngine("PyTorch");
    for (int trial = 0; trial < 3; trial++) {
      try (NDManager m = engine.newBaseManager()) {
        NDArray x = m.create(X);
        x.setRequiresGradient(true);
        try (GradientCollector gc = engine.newGradientCollector()) {
          NDArray y = op.apply(x).sum();
          collectAndReuseSmallBuffers();
          gc.backward(y);
        }
        assertArrayEquals(expected, x.getGradient().toFloatArray(), 1e-6f, "trial " + trial);
      }
    }
  }

  /** What a training loop does now and then: a collection, then many small direct buffers. */
  private static void collectAndReuseSmallBuffers() throws InterruptedException {
    List<ByteBuffer> keep = new ArrayList<>();
    for (int round = 0; round < 3; round++) {
      System.gc();
      Thread.sleep(20); // the cleaner frees unreachable direct buffers on its own thread
      for (int j = 0; j < 2000; j++) {
        ByteBuffer b = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder());
        b.putFloat(0, 1000f + j);
        keep.add(b);
      }
    }
  }
}
