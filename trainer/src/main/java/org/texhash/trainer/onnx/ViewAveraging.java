package org.texhash.trainer.onnx;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import java.util.List;

/**
 * An encoder that averages its pre-sign outputs over flipped and transposed views of each patch:
 * the code of a mirrored (with 8 views: any quarter-turned) patch is the same, which a texture's
 * identity rarely depends on, and the noise of single views averages out.
 *
 * <p>View j of {@code [N, C, H, W]} patches: transpose H and W if bit 2 of j is set, then flip H if
 * bit 1 is set, then flip W if bit 0 is set. {@code views} = 1 is the encoder itself; 2 adds the
 * mirror image; 4 adds the vertical mirror and the half turn; 8 is the whole dihedral group (every
 * quarter turn, mirrored or not).
 *
 * <p>ONNX: per view {@code Transpose} and {@code Slice} with step -1, {@code Concat} along the
 * batch, the inner encoder once on the {@code [V N, ...]} batch, {@code Reshape} to {@code [V, N,
 * K]}, {@code ReduceMean} over the views.
 */
public final class ViewAveraging implements OnnxNodes {
  /** The view counts there are. */
  public static final List<Integer> COUNTS = List.of(1, 2, 4, 8);

  private final OnnxNodes inner;
  private final int views;
  private final int bits;

  /**
   * @param inner nodes mapping {@code [N, 3, S, S]} to {@code [N, bits]}
   */
  public ViewAveraging(OnnxNodes inner, int views, int bits) {
    this.inner = inner;
    this.views = requireCount(views);
    this.bits = bits;
  }

  public static int requireCount(int views) {
    if (!COUNTS.contains(views)) {
      throw new IllegalArgumentException("views must be one of " + COUNTS + ", got " + views);
    }
    return views;
  }

  /** A model id prefix that says how many views an encoder averages: {@code tag-vV}. */
  public static String idPrefix(String tag, int views) {
    return requireCount(views) == 1 ? tag : tag + "-v" + views;
  }

  /** The views of {@code x} stacked along the batch, view-major: {@code [V N, C, H, W]}. */
  public static NDArray stack(NDArray x, int views) {
    requireCount(views);
    NDList all = new NDList();
    for (int j = 0; j < views; j++) {
      NDArray v = (j & 4) != 0 ? x.transpose(0, 1, 3, 2) : x;
      v = (j & 2) != 0 ? v.flip(2) : v;
      v = (j & 1) != 0 ? v.flip(3) : v;
      all.add(v);
    }
    return views == 1 ? x : NDArrays.concat(all, 0);
  }

  /** The mean over views of view-major {@code [V N, K]} outputs: {@code [N, K]}. */
  public static NDArray average(NDArray outputs, int views) {
    requireCount(views);
    long k = outputs.getShape().get(1);
    return views == 1 ? outputs : outputs.reshape(views, -1, k).mean(new int[] {0});
  }

  @Override
  public String emitOnnx(OnnxGraph g, String input) {
    if (views == 1) {
      return inner.emitOnnx(g, input);
    }
    String[] all = new String[views];
    for (int j = 0; j < views; j++) {
      String v = input;
      if ((j & 4) != 0) {
        v = g.node("Transpose", "view_t", v, "perm", new long[] {0, 1, 3, 2});
      }
      if ((j & 2) != 0) {
        v = flip(g, v, 2);
      }
      if ((j & 1) != 0) {
        v = flip(g, v, 3);
      }
      all[j] = v;
    }
    String batch = g.node("Concat", "views", all, "axis", 0L);
    String outputs = inner.emitOnnx(g, batch);
    String shaped =
        g.node(
            "Reshape",
            "view_outputs",
            new String[] {outputs, g.longs("view_shape", views, -1, bits)});
    return g.node("ReduceMean", "view_mean", shaped, "axes", new long[] {0}, "keepdims", 0L);
  }

  private static String flip(OnnxGraph g, String x, long axis) {
    return g.node(
        "Slice",
        "view_flip",
        new String[] {
          x,
          g.longs("flip_start", -1),
          g.longs("flip_end", Long.MIN_VALUE),
          g.longs("flip_axis", axis),
          g.longs("flip_step", -1)
        });
  }
}
