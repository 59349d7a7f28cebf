package org.texhash.indexer.encoder;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.texhash.lucene.HashCode;

/**
 * Image patches in, K-bit codes out. Every method texhash evaluates or indexes with is one of
 * these: learned ONNX encoders and the classic Java baselines alike.
 *
 * <p>The code is the sign of the pre-sign features (bit i is 1 when {@code features[i] > 0}), so
 * averaging features over crops and then taking signs is well defined for every encoder.
 */
public interface Encoder extends AutoCloseable {

  /** A stable identifier: recorded in the index, so that a different encoder is refused. */
  String id();

  /** K, the code length in bits. */
  int bits();

  /** S: patches given to {@link #features} are S x S. */
  int inputSize();

  /**
   * Pre-sign features, one {@code float[bits()]} per patch. Each patch must be exactly {@code
   * inputSize() x inputSize()}; any BufferedImage type is accepted and read as RGB.
   */
  float[][] features(List<BufferedImage> patches);

  /** Codes for S x S patches: the signs of {@link #features}. */
  default List<HashCode> encode(List<BufferedImage> patches) {
    float[][] f = features(patches);
    List<HashCode> codes = new ArrayList<>(f.length);
    for (float[] row : f) {
      codes.add(HashCode.fromSigns(row));
    }
    return codes;
  }

  @Override
  default void close() {}
}
