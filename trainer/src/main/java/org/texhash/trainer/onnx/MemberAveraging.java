package org.texhash.trainer.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import java.util.List;

/**
 * An encoder that averages the pre-sign outputs of several trained encoders (an ensemble): each
 * member's {@code [N, K]} outputs scaled to unit length, so that no member outweighs another by the
 * scale it happened to learn, then the mean over members. Members trained from different seeds or
 * with different stems make partly independent errors, which the mean averages out.
 *
 * <p>ONNX: each member's graph inlined on the shared input, {@code ReduceL2} over K, {@code Add} a
 * small epsilon (a member's outputs may all be zero), {@code Div}, then {@code Mean} over the
 * members.
 */
public final class MemberAveraging implements OnnxNodes {
  /** Keeps an all-zero output finite; far below any trained output's length. */
  public static final float EPSILON = 1e-6f;

  private final List<GraphProto> members;

  /**
   * @param members graphs of one input {@code [N, 3, S, S]} and one output {@code [N, K]}, all of
   *     the same S and K
   */
  public MemberAveraging(List<GraphProto> members) {
    if (members.size() < 2) {
      throw new IllegalArgumentException(
          "an ensemble needs at least two members, got " + members.size());
    }
    this.members = List.copyOf(members);
  }

  @Override
  public String emitOnnx(OnnxGraph g, String input) {
    String epsilon = g.floats("member_epsilon", new float[] {EPSILON});
    String[] unit = new String[members.size()];
    for (int m = 0; m < unit.length; m++) {
      unit[m] = unitLength(g, g.inline(members.get(m), input), epsilon);
    }
    return g.node("Mean", "member_mean", unit);
  }

  /**
   * {@code [N, K]} outputs divided by their length over K plus {@code epsilon} (an initializer
   * holding {@link #EPSILON}): the step every averaged output goes through before the mean.
   */
  public static String unitLength(OnnxGraph g, String outputs, String epsilon) {
    String length =
        g.node("ReduceL2", "member_length", outputs, "axes", new long[] {1}, "keepdims", 1L);
    String safe = g.node("Add", "member_safe_length", new String[] {length, epsilon});
    return g.node("Div", "member_unit", new String[] {outputs, safe});
  }
}
