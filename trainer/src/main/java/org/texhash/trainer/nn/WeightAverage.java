package org.texhash.trainer.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An exponential moving average of a block's parameters (Polyak averaging), kept beside the weights
 * that train and saved with them, so a resumed run averages exactly as an uninterrupted one.
 *
 * <p>Every parameter is averaged, batch-norm running statistics too: they must describe the
 * averaged filters, not the last step's. The average starts as a copy of the weights at the first
 * {@link #update}, so switching it on part-way through a run starts from where the run is.
 */
public final class WeightAverage {
  private final float decay;
  private final Map<String, NDArray> averages = new LinkedHashMap<>();

  /**
   * @param decay how much of the average each update keeps (0 to 1, exclusive): the average spans
   *     about {@code 1 / (1 - decay)} updates
   */
  public WeightAverage(float decay) {
    if (!(decay > 0 && decay < 1)) {
      throw new IllegalArgumentException("weight average decay must be in (0, 1), got " + decay);
    }
    this.decay = decay;
  }

  /**
   * {@code average = decay * average + (1 - decay) * weight} for every parameter of {@code block}.
   */
  public void update(Block block) {
    for (Pair<String, Parameter> p : block.getParameters()) {
      NDArray weight = p.getValue().getArray();
      NDArray average = averages.get(p.getKey());
      if (average == null) {
        averages.put(p.getKey(), weight.duplicate());
        continue;
      }
      try (NDArray part = weight.mul(1f - decay)) {
        average.muli(decay).addi(part);
      }
    }
  }

  /** Work to run on the averaged weights. */
  @FunctionalInterface
  public interface Task<T, E extends Exception> {
    T run() throws E;
  }

  /**
   * Runs {@code task} with the averages in {@code block}'s parameters, then puts the trained
   * weights back exactly. Before the first update the block's own weights are the average.
   */
  public <T, E extends Exception> T withAverages(Block block, Task<T, E> task) throws E {
    swap(block);
    try {
      return task.run();
    } finally {
      swap(block);
    }
  }

  private void swap(Block block) {
    for (Pair<String, Parameter> p : block.getParameters()) {
      NDArray average = averages.get(p.getKey());
      if (average == null) {
        continue;
      }
      NDArray weight = p.getValue().getArray();
      try (NDArray held = weight.duplicate()) {
        weight.set(average.toByteBuffer());
        average.set(held.toByteBuffer());
      }
    }
  }

  /** Writes every parameter's average. */
  public void save(DataOutputStream out) throws IOException {
    out.writeInt(1);
    out.writeInt(averages.size());
    for (Map.Entry<String, NDArray> e : averages.entrySet()) {
      out.writeUTF(e.getKey());
      byte[] bytes = new NDList(e.getValue()).encode();
      out.writeInt(bytes.length);
      out.write(bytes);
    }
  }

  /** Restores what {@link #save} wrote; the averages live in {@code manager}. */
  public void load(DataInputStream in, NDManager manager) throws IOException {
    int version = in.readInt();
    if (version != 1) {
      throw new IOException("unsupported weight average version " + version);
    }
    averages.clear();
    int n = in.readInt();
    for (int i = 0; i < n; i++) {
      String key = in.readUTF();
      byte[] bytes = new byte[in.readInt()];
      in.readFully(bytes);
      averages.put(key, NDList.decode(manager, bytes).get(0));
    }
  }
}
