package org.texhash.trainer.hashing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import org.texhash.indexer.encoder.OnnxEncoder;
import org.texhash.trainer.nn.Scalars;

/**
 * A teacher encoder whose outputs the network learns to give for the same pixels: the loss is the
 * mean squared difference between u and the teacher's pre-sign outputs, plus the objective's
 * quantisation term ({@code eta ||u - sign(u)||^2}); the classifier is not trained.
 *
 * <p>What it is for: an encoder that averages V views of each patch costs V forward passes per
 * patch; its own network, taught by it, is meant to give the averaged code from one view at a V-th
 * of the cost (for the shipped recipe it kept little of the views' gain: docs/RESULTS.md). Any
 * encoder with the same code length and input size can teach (the teacher runs through ONNX
 * Runtime, as in the indexer).
 */
public final class Distillation implements AutoCloseable {
  private final OnnxEncoder teacher;

  private Distillation(OnnxEncoder teacher) {
    this.teacher = teacher;
  }

  /**
   * Opens the teacher at {@code file}, which must give {@code bits} outputs for {@code patchSize} x
   * {@code patchSize} patches.
   */
  public static Distillation open(Path file, int bits, int patchSize) throws IOException {
    // OnnxEncoder.open refuses a missing file or a non-encoder with an IllegalArgumentException
    OnnxEncoder e = OnnxEncoder.open(file, OnnxEncoder.DEFAULT_BATCH_SIZE, 1);
    if (e.bits() != bits || e.inputSize() != patchSize) {
      String found = e.id() + " gives " + e.bits() + " bits for " + e.inputSize() + " px patches";
      e.close();
      throw new IllegalArgumentException(
          "the teacher "
              + found
              + "; this run trains "
              + bits
              + " bits for "
              + patchSize
              + " px patches: pick a teacher trained with the same --bits and --preset");
    }
    return new Distillation(e);
  }

  public String teacherId() {
    return teacher.id();
  }

  /** The teacher's outputs for the batch {@code x} ({@code [N, 3, S, S]}), on x's manager. */
  public NDArray targets(NDArray x) {
    int n = (int) x.getShape().get(0);
    float[][] rows = teacher.featuresOfPlanes(x.toFloatArray(), n);
    float[] flat = new float[n * teacher.bits()];
    for (int i = 0; i < n; i++) {
      System.arraycopy(rows[i], 0, flat, i * teacher.bits(), teacher.bits());
    }
    return x.getManager().create(flat, new Shape(n, teacher.bits()));
  }

  /** The loss of the network's {@code u} against the teacher's {@code targets}. */
  public static Objective.Terms loss(NDArray u, NDArray targets, double eta) {
    NDArray main = u.sub(targets).square().mean();
    NDArray quant = u.sub(u.stopGradient().sign()).square().mean();
    return new Objective.Terms(main.add(Scalars.times(quant, (float) eta)), main, quant);
  }

  @Override
  public void close() {
    teacher.close();
  }
}
