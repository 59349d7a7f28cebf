package org.texhash.trainer.hashing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.List;
import java.util.Random;
import org.texhash.trainer.nn.GlobalPool;
import org.texhash.trainer.onnx.OnnxGraph;
import org.texhash.trainer.onnx.OnnxNodes;

/**
 * The stage-2 network: backbone taps, attention and progressive fusion to a D-vector, a hash layer
 * to K continuous outputs (the code is their sign) and a linear classifier on those outputs, or on
 * a projection head over them.
 *
 * <p>Input {@code [N, 3, S, S]} in [-1, 1]; {@link #forward} returns {@code (u [N, K], logits [N,
 * C])}. The encoder that is exported is everything up to u ({@link #emitOnnx}).
 */
public final class HashNetwork extends AbstractBlock implements OnnxNodes {
  private final Backbone backbone;
  private final ProgressiveFusion fusion;
  private final Linear hash;
  private final Block head; // between u and the classifier, or null
  private final Linear classifier;
  private final int bits;
  private final boolean cosineClassifier;

  private HashNetwork(Builder b) {
    super((byte) 1);
    this.backbone = b.backbone;
    this.bits = b.bits;
    if (backbone instanceof Block trainable) {
      addChildBlock("backbone", trainable);
    }
    fusion =
        addChildBlock(
            "fusion",
            new ProgressiveFusion(backbone.tapChannels(), b.attentionKernel, b.dims, b.pooling));
    hash = addChildBlock("hash", Linear.builder().setUnits(b.bits).build());
    this.cosineClassifier = b.cosineClassifier;
    head = b.projectionHead == 0 ? null : addChildBlock("head", projectionHead(b.projectionHead));
    classifier =
        addChildBlock(
            "classify", Linear.builder().setUnits(b.classes).optBias(!b.cosineClassifier).build());
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Dense, ReLU, dense, all {@code width} wide: what the classifier reads instead of u. */
  private static SequentialBlock projectionHead(int width) {
    return new SequentialBlock()
        .add(Linear.builder().setUnits(width).build())
        .add(Activation.reluBlock())
        .add(Linear.builder().setUnits(width).build());
  }

  /** Builds a {@link HashNetwork}; every setter but the attention kernel is required. */
  public static final class Builder {
    private Backbone backbone;
    private int bits;
    private int classes;
    private int dims;
    private int attentionKernel = 3;
    private GlobalPool.Kind pooling = GlobalPool.Kind.MEAN;
    private boolean cosineClassifier;
    private int projectionHead;

    public Builder backbone(Backbone b) {
      this.backbone = b;
      return this;
    }

    public Builder bits(int k) {
      this.bits = k;
      return this;
    }

    public Builder classes(int c) {
      this.classes = c;
      return this;
    }

    /** D, the fused descriptor's length. */
    public Builder dims(int d) {
      this.dims = d;
      return this;
    }

    /** Width of the attention filters; 0 removes channel-wise attention. */
    public Builder attentionKernel(int k) {
      this.attentionKernel = k;
      return this;
    }

    /** How the fused maps become a vector (default: the paper's mean). */
    public Builder pooling(GlobalPool.Kind p) {
      this.pooling = p;
      return this;
    }

    /** Make the classifier give cosines between u and its weight rows (no bias). */
    public Builder cosineClassifier(boolean cosine) {
      this.cosineClassifier = cosine;
      return this;
    }

    /**
     * Width of a projection head between u and the classifier, which the export drops; 0 (the
     * default): the classifier reads u.
     */
    public Builder projectionHead(int width) {
      this.projectionHead = width;
      return this;
    }

    public HashNetwork build() {
      if (backbone == null
          || pooling == null
          || bits < 1
          || classes < 2
          || dims < 1
          || attentionKernel < 0
          || projectionHead < 0) {
        throw new IllegalArgumentException(
            "HashNetwork needs a backbone, bits >= 1, classes >= 2, dims >= 1, attention kernel >="
                + " 0, projection head >= 0");
      }
      return new HashNetwork(this);
    }
  }

  public Backbone backbone() {
    return backbone;
  }

  public int bits() {
    return bits;
  }

  public ProgressiveFusion fusion() {
    return fusion;
  }

  /** The continuous codes u {@code [N, K]} alone (what the encoder exports). */
  public NDArray codes(ParameterStore store, NDArray x, boolean training) {
    return codes(store, x, training, null);
  }

  /**
   * The continuous codes with the fused descriptor multiplied by {@code dropout} first: a training
   * step's mask {@code [N, D]} of zeros and 1 / (1 - p) ({@link #dropoutMask}), or null for none.
   */
  NDArray codes(ParameterStore store, NDArray x, boolean training, NDArray dropout) {
    List<NDArray> taps = backbone.taps(store, x, training);
    NDArray v = fusion.forward(store, new NDList(taps), training).singletonOrThrow();
    if (dropout != null) {
      v = v.mul(dropout);
    }
    return hash.forward(store, new NDList(v), training).singletonOrThrow();
  }

  /**
   * A dropout mask for {@code n} descriptors: each value kept with probability {@code 1 - p} and
   * then scaled by {@code 1 / (1 - p)}, so the descriptor's expected value is unchanged and
   * inference needs no rescaling. Drawn in Java from {@code rnd} (not the engine's generator) so a
   * resumed run draws the same masks.
   */
  float[] dropoutMask(int n, float p, Random rnd) {
    int d = fusion.outputDims();
    float[] mask = new float[n * d];
    float kept = 1f / (1f - p);
    for (int i = 0; i < mask.length; i++) {
      mask[i] = rnd.nextFloat() < p ? 0f : kept;
    }
    return mask;
  }

  /**
   * The classifier's logits on u (through the projection head when there is one), or with a cosine
   * classifier the cosines to its weight rows.
   */
  public NDArray classify(ParameterStore store, NDArray u, boolean training) {
    NDArray z = head == null ? u : head.forward(store, new NDList(u), training).singletonOrThrow();
    if (!cosineClassifier) {
      return classifier.forward(store, new NDList(z), training).singletonOrThrow();
    }
    return unitRows(z).matMul(unitClassRows(store, z, training).transpose());
  }

  /**
   * The cosine classifier's weight rows at unit length, {@code [C, K]} (or the head's width), in
   * u's scope.
   */
  NDArray unitClassRows(ParameterStore store, NDArray u, boolean training) {
    NDArray w = store.getValue(classifier.getParameters().get("weight"), u.getDevice(), training);
    // an op's result joins its first operand's manager: starting from u keeps every temporary of
    // the step in the step's scope (ops on w would pile up in the parameters' manager for good)
    return unitRows(u.getManager().create(1f).mul(w));
  }

  /** Each row of {@code x} divided by its length (the cosine objectives' normalisation). */
  static NDArray unitRows(NDArray x) {
    return x.div(x.square().sum(new int[] {1}, true).add(1e-12f).sqrt());
  }

  /** Inputs: x, and in training optionally a dropout mask over the descriptor ({@link #codes}). */
  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray dropout = inputs.size() > 1 ? inputs.get(1) : null;
    NDArray u = codes(store, inputs.get(0), training, dropout);
    return new NDList(u, classify(store, u, training));
  }

  @Override
  public String emitOnnx(OnnxGraph g, String input) {
    String v = fusion.emitOnnx(g, backbone.emitOnnxTaps(g, input));
    var p = hash.getParameters();
    return g.node(
        "Gemm",
        "hash",
        new String[] {
          v,
          g.weight("hash_w", p.get("weight").getArray()),
          g.weight("hash_b", p.get("bias").getArray())
        },
        "transB",
        1L);
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape x = inputShapes[0];
    Shape[] taps = tapShapes(x);
    if (backbone instanceof Block trainable) {
      trainable.initialize(manager, dataType, x);
    }
    fusion.initialize(manager, dataType, taps);
    hash.initialize(manager, dataType, new Shape(x.get(0), fusion.outputDims()));
    Shape u = new Shape(x.get(0), bits);
    Shape z = u;
    if (head != null) {
      head.initialize(manager, dataType, u);
      z = head.getOutputShapes(new Shape[] {u})[0];
    }
    classifier.initialize(manager, dataType, z);
  }

  /** Shapes of the taps for input {@code x}: level l has {@code S / 2^l} on a side. */
  public Shape[] tapShapes(Shape x) {
    return backbone.tapShapes(x);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    long n = inputShapes[0].get(0);
    Shape[] u = {new Shape(n, bits)};
    Shape[] z = head == null ? u : head.getOutputShapes(u);
    return new Shape[] {u[0], classifier.getOutputShapes(z)[0]};
  }
}
