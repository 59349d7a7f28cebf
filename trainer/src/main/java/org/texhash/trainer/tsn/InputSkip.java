package org.texhash.trainer.tsn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;

/**
 * How G's input pixels reach its output.
 *
 * <p>{@code NONE} is the paper's G: every output pixel is synthesised by the decoder, so G must
 * learn to reproduce its own input through the bottleneck, which a `cpu`-sized G had not learnt
 * after 6000 steps (it painted blurred colour fields). {@code MIRROR} hands the input to the last
 * layer: G's head also sees the input extended to 2H x 2W by mirror padding and by 2x2 tiling (both
 * with the input in the centre), and G's output is a learned correction added to the mirror-padded
 * input. An untrained G therefore starts as mirror padding (the centre is the input, exactly) and
 * learns what to change. ONNX: {@code Slice}, {@code Concat} and {@code Add} (plus {@code Clip} at
 * inference).
 */
public enum InputSkip {
  NONE,
  MIRROR;

  /** Extra channels G's head reads: the mirror-padded and the tiled input. */
  int headExtraChannels() {
    return this == MIRROR ? 6 : 0;
  }

  /**
   * {@code [N, C, H, W]} to {@code [N, C, 2H, 2W]}: the input in the centre, reflected outwards
   * without repeating the edge pixel (as {@link org.texhash.trainer.nn.Chw#mirrorTo}). H and W
   * even, at least 2.
   */
  public static NDArray mirror2x(NDArray x) {
    return mirrorAxis(mirrorAxis(x, 2), 3);
  }

  /**
   * {@code [N, C, H, W]} to {@code [N, C, 2H, 2W]}: the periodic extension, input in the centre (as
   * {@link org.texhash.trainer.nn.Chw#tileTo}).
   */
  public static NDArray tile2x(NDArray x) {
    return tileAxis(tileAxis(x, 2), 3);
  }

  private static NDArray mirrorAxis(NDArray x, int axis) {
    long n = x.getShape().get(axis);
    long half = n / 2;
    NDArray before = slice(x, axis, 1, half + 1).flip(axis);
    NDArray after = slice(x, axis, half - 1, n - 1).flip(axis);
    return NDArrays.concat(new NDList(before, x, after), axis);
  }

  private static NDArray tileAxis(NDArray x, int axis) {
    long n = x.getShape().get(axis);
    long half = n / 2;
    return NDArrays.concat(new NDList(slice(x, axis, half, n), x, slice(x, axis, 0, half)), axis);
  }

  private static NDArray slice(NDArray x, int axis, long from, long to) {
    return x.get(axis == 2 ? ":, :, " + from + ":" + to : ":, :, :, " + from + ":" + to);
  }
}
