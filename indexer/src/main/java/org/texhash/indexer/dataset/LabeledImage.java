package org.texhash.indexer.dataset;

import java.awt.image.BufferedImage;
import java.util.Objects;

/** One image (or image region) of a class: what patches are sampled from. */
public record LabeledImage(int label, String className, BufferedImage image) {
  public LabeledImage {
    if (label < 0) {
      throw new IllegalArgumentException("label must be >= 0, got " + label);
    }
    Objects.requireNonNull(className, "className");
    Objects.requireNonNull(image, "image");
  }
}
