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
import java.util.function.ToDoubleFunction;

/**
 * Adam whose moments can be saved and restored, so a resumed run continues exactly where it
 * stopped.
 *
 * <p>DJL's {@code Adam} keeps its moments in private maps keyed by random parameter ids, so they
 * cannot be checkpointed; this class keeps them by parameter path (stable across processes) and
 * calls the same engine kernel ({@code NDArrayEx.adamUpdate}, which also zeroes the gradient).
 */
public final class ResumableAdam {
  private final float learningRate;
  private final float beta1;
  private final float beta2;
  private final float epsilon;
  private final Map<String, NDArray> means = new LinkedHashMap<>();
  private final Map<String, NDArray> variances = new LinkedHashMap<>();
  private int updates;

  public ResumableAdam(float learningRate, float beta1, float beta2, float epsilon) {
    if (!(learningRate > 0)
        || !(beta1 >= 0 && beta1 < 1)
        || !(beta2 >= 0 && beta2 < 1)
        || !(epsilon > 0)) {
      throw new IllegalArgumentException("Adam needs lr > 0, 0 <= beta < 1, eps > 0");
    }
    this.learningRate = learningRate;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
  }

  /** The paper's settings (after Zhou et al.): lr 2e-4, beta1 0.5, beta2 0.999. */
  public static ResumableAdam tsnDefault() {
    return new ResumableAdam(2e-4f, 0.5f, 0.999f, 1e-8f);
  }

  /** Updates that have been applied (one per {@link #step} call). */
  public int updates() {
    return updates;
  }

  /** One Adam step on every trainable parameter of {@code block}, then zeroes their gradients. */
  public void step(Block block) {
    step(block, learningRate);
  }

  /**
   * {@link #step(Block)} at {@code rate} instead of the constructor's rate (a schedule's value for
   * this update; the moments are the same either way).
   */
  public void step(Block block, float rate) {
    step(block, rate, 0f);
  }

  /**
   * {@link #step(Block, float)} with decoupled weight decay (AdamW, Loshchilov and Hutter 2019):
   * each conv and dense weight shrinks by {@code rate * weightDecay} of itself before its Adam
   * update. Biases and normalisation scales and shifts (one-dimensional parameters) are left alone,
   * as is usual: they set offsets and gains, and shrinking them toward zero would switch units off
   * rather than limit what the filters fit.
   */
  public void step(Block block, float rate, float weightDecay) {
    step(block, rate, weightDecay, param -> 1f);
  }

  /**
   * {@link #step(Block, float, float)} with each parameter's rate and decay scaled by {@code
   * scaleOf} (layer-wise rates: a pretrained part fine-tuned slower than a new one). The moments
   * and the update count are shared, so a scaled parameter is still one Adam over the network.
   */
  public void step(
      Block block, float rate, float weightDecay, ToDoubleFunction<Parameter> scaleOf) {
    if (!(rate > 0)) {
      throw new IllegalArgumentException("learning rate must be > 0, got " + rate);
    }
    if (!(weightDecay >= 0 && rate * weightDecay < 1)) {
      throw new IllegalArgumentException(
          "weight decay must be >= 0 and below 1 / rate, got " + weightDecay);
    }
    updates++;
    double coef1 = 1.0 - Math.pow(beta1, updates);
    double coef2 = 1.0 - Math.pow(beta2, updates);
    for (Pair<String, Parameter> p : block.getParameters()) {
      Parameter param = p.getValue();
      if (!param.requiresGradient()) {
        continue;
      }
      float own = (float) (rate * scaleOf.applyAsDouble(param));
      if (!(own > 0 && own <= rate)) {
        throw new IllegalArgumentException(
            "a parameter's rate must be a fraction of the step's, got " + own + " of " + rate);
      }
      float corrected = (float) (own * Math.sqrt(coef2) / coef1);
      NDArray weight = param.getArray();
      NDArray mean = means.computeIfAbsent(p.getKey(), k -> weight.zerosLike());
      NDArray variance = variances.computeIfAbsent(p.getKey(), k -> weight.zerosLike());
      if (weightDecay > 0 && weight.getShape().dimension() > 1) {
        weight.muli(1f - own * weightDecay);
      }
      try (NDArray grad = weight.getGradient()) { // a fresh handle each call: close it
        weight
            .getNDArrayInternal()
            .adamUpdate(
                new NDList(weight, grad, mean, variance),
                new NDList(weight),
                own,
                corrected,
                0f,
                1f,
                -1f,
                beta1,
                beta2,
                epsilon,
                true,
                false);
      }
    }
  }

  /** Writes the update count and both moments of every parameter. */
  public void save(DataOutputStream out) throws IOException {
    out.writeInt(1);
    out.writeInt(updates);
    out.writeInt(means.size());
    for (Map.Entry<String, NDArray> e : means.entrySet()) {
      out.writeUTF(e.getKey());
      byte[] m = new NDList(e.getValue(), variances.get(e.getKey())).encode();
      out.writeInt(m.length);
      out.write(m);
    }
  }

  /** Restores what {@link #save} wrote; the moments live in {@code manager}. */
  public void load(DataInputStream in, NDManager manager) throws IOException {
    int version = in.readInt();
    if (version != 1) {
      throw new IOException("unsupported optimizer state version " + version);
    }
    updates = in.readInt();
    means.clear();
    variances.clear();
    int n = in.readInt();
    for (int i = 0; i < n; i++) {
      String key = in.readUTF();
      byte[] bytes = new byte[in.readInt()];
      in.readFully(bytes);
      NDList pair = NDList.decode(manager, bytes);
      means.put(key, pair.get(0));
      variances.put(key, pair.get(1));
    }
  }
}
