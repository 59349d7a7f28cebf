package org.texhash.trainer.onnx;

/**
 * A block that writes its own inference-mode forward pass as ONNX nodes, next to its DJL forward
 * pass, so the two cannot drift apart unnoticed (each block type has a parity test).
 */
public interface OnnxNodes {
  /**
   * Emits this block's nodes reading {@code input}.
   *
   * @return the name of the value holding the block's output
   */
  String emitOnnx(OnnxGraph graph, String input);
}
