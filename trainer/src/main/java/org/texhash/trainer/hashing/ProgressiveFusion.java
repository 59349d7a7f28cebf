package org.texhash.trainer.hashing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import org.texhash.trainer.nn.ChannelAttention;
import org.texhash.trainer.nn.ConvUnit;
import org.texhash.trainer.nn.GlobalPool;
import org.texhash.trainer.onnx.OnnxGraph;

/**
 * Channel-wise attention on each tap, then progressive multi-scale fusion (the paper's Eq. 3, 4) to
 * a D-dimensional vector.
 *
 * <pre>
 * A_l = CA_l(T_l)                       tap l, t_l channels, size S / 2^l  (identity without attention)
 * P_l = mix_l(A_l)                      1x1 conv unit to t_l / 2 channels, l >= 1
 * F_0 = A_0
 * F_l = concat(down_l(F_(l-1)), P_l)    down_l: 3x3 stride-2 conv unit to t_l / 2 channels
 * v   = pool(out(F_n))                  out: 3x3 conv unit to D channels
 * </pre>
 *
 * Conv units are conv + batch norm + ReLU. {@code pool} is the paper's global average ({@link
 * GlobalPool.Kind#MEAN}, {@code out} with stride 2, v is {@code [N, D]}) or the mean and standard
 * deviation of each channel ({@link GlobalPool.Kind#MEAN_STD}, {@code out} with stride 1 so the
 * deviation is taken over four times the positions, v is {@code [N, 2D]}), or the channels' Gram
 * matrix ({@link GlobalPool.Kind#GRAM}, {@code out} with stride 1, v is {@code [N, D^2]}, so D is
 * kept small), or the generalised mean ({@link GlobalPool.Kind#GEM}, {@code out} with stride 1 so
 * it has four times the positions to find a channel's peaks in, v is {@code [N, D]}). Input: the
 * taps, finest first.
 */
public final class ProgressiveFusion extends AbstractBlock {
  private final List<Integer> tapChannels;
  private final int dims;
  private final List<ChannelAttention> attention = new ArrayList<>();
  private final List<ConvUnit> mix = new ArrayList<>(); // mix.get(l - 1) for level l
  private final List<ConvUnit> down = new ArrayList<>(); // down.get(l - 1) for level l
  private final ConvUnit out;
  private final GlobalPool pool;

  /**
   * @param attentionKernel width of each attention's 1-D filter; 0 for no attention (ablation)
   * @param dims D, the channels of the last conv
   * @param pooling how the last conv's maps become a vector
   */
  public ProgressiveFusion(
      List<Integer> tapChannels, int attentionKernel, int dims, GlobalPool.Kind pooling) {
    super((byte) 1);
    HashPreset.requireDescriptorFits(pooling, dims);
    this.tapChannels = List.copyOf(tapChannels);
    this.dims = dims;
    for (int l = 0; l < tapChannels.size(); l++) {
      if (attentionKernel > 0) {
        attention.add(addChildBlock("ca" + l, new ChannelAttention(attentionKernel)));
      }
      if (l >= 1) {
        int half = tapChannels.get(l) / 2;
        mix.add(
            addChildBlock(
                "mix" + l, new ConvUnit(half, 1, 1, ConvUnit.Norm.BATCH, ConvUnit.Act.RELU)));
        down.add(
            addChildBlock(
                "down" + l, new ConvUnit(half, 3, 2, ConvUnit.Norm.BATCH, ConvUnit.Act.RELU)));
      }
    }
    int outStride = pooling == GlobalPool.Kind.MEAN ? 2 : 1;
    out =
        addChildBlock(
            "out", new ConvUnit(dims, 3, outStride, ConvUnit.Norm.BATCH, ConvUnit.Act.RELU));
    // not a child block: it has no parameters, and a new child would make every network saved
    // before it unreadable (DJL reads the children's parameters in order)
    pool = new GlobalPool(pooling);
  }

  /**
   * The fused vector's length: D (mean, GeM), 2D with mean-and-deviation pooling, D^2 with the
   * Gram.
   */
  public int outputDims() {
    return pool.kind().outputs(dims);
  }

  public GlobalPool.Kind pooling() {
    return pool.kind();
  }

  public boolean hasAttention() {
    return !attention.isEmpty();
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList taps, boolean training, PairList<String, Object> params) {
    NDArray f = attended(store, taps.get(0), 0, training);
    for (int l = 1; l < taps.size(); l++) {
      NDArray p =
          mix.get(l - 1)
              .forward(store, new NDList(attended(store, taps.get(l), l, training)), training)
              .singletonOrThrow();
      NDArray d = down.get(l - 1).forward(store, new NDList(f), training).singletonOrThrow();
      f = NDArrays.concat(new NDList(d, p), 1);
    }
    NDList o = out.forward(store, new NDList(f), training);
    return pool.forward(store, o, training);
  }

  private NDArray attended(ParameterStore store, NDArray tap, int level, boolean training) {
    return attention.isEmpty()
        ? tap
        : attention.get(level).forward(store, new NDList(tap), training).singletonOrThrow();
  }

  /** Emits the fusion of {@code taps} (finest first); returns the {@code [N, D]} value. */
  public String emitOnnx(OnnxGraph g, List<String> taps) {
    String f = emitAttended(g, taps.get(0), 0);
    for (int l = 1; l < taps.size(); l++) {
      String p = mix.get(l - 1).emitOnnx(g, emitAttended(g, taps.get(l), l));
      String d = down.get(l - 1).emitOnnx(g, f);
      f = g.node("Concat", "fuse" + l, new String[] {d, p}, "axis", 1L);
    }
    return pool.emitOnnx(g, out.emitOnnx(g, f));
  }

  private String emitAttended(OnnxGraph g, String tap, int level) {
    return attention.isEmpty() ? tap : attention.get(level).emitOnnx(g, tap);
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... tapShapes) {
    if (tapShapes.length != tapChannels.size()) {
      throw new IllegalArgumentException(
          "fusion expects " + tapChannels.size() + " taps, got " + tapShapes.length);
    }
    for (int l = 0; l < tapShapes.length; l++) {
      if (!attention.isEmpty()) {
        attention.get(l).initialize(manager, dataType, tapShapes[l]);
      }
    }
    Shape f = tapShapes[0];
    for (int l = 1; l < tapShapes.length; l++) {
      mix.get(l - 1).initialize(manager, dataType, tapShapes[l]);
      down.get(l - 1).initialize(manager, dataType, f);
      Shape d = down.get(l - 1).getOutputShapes(new Shape[] {f})[0];
      Shape p = mix.get(l - 1).getOutputShapes(new Shape[] {tapShapes[l]})[0];
      if (d.get(2) != p.get(2)) {
        throw new IllegalArgumentException(
            "tap " + l + " is " + tapShapes[l] + ", fusion reached size " + d.get(2));
      }
      f = new Shape(d.get(0), d.get(1) + p.get(1), d.get(2), d.get(3));
    }
    out.initialize(manager, dataType, f);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] tapShapes) {
    return new Shape[] {new Shape(tapShapes[0].get(0), outputDims())};
  }
}
