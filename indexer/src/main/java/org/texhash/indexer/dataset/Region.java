package org.texhash.indexer.dataset;

import java.awt.image.BufferedImage;
import java.util.Objects;

/**
 * A region of a dataset image together with where it came from, so that a patch manifest can name
 * it: {@code image} is the path relative to the dataset folder, {@code index} the quadrant (0 top
 * left, 1 top right, 2 bottom left, 3 bottom right) or {@link #WHOLE} for a whole image.
 */
public record Region(String image, int index, LabeledImage content) {
  public static final int WHOLE = -1;

  public Region {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(content, "content");
    if (index < WHOLE || index > 3) {
      throw new IllegalArgumentException(
          "region index must be -1 (whole image) or 0..3, got " + index);
    }
  }

  public int label() {
    return content.label();
  }

  public BufferedImage pixels() {
    return content.image();
  }

  /** The key a manifest row uses to find this region again. */
  public String key() {
    return image + "#" + index;
  }
}
