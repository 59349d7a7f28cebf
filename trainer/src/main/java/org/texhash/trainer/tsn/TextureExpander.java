package org.texhash.trainer.tsn;

import java.awt.image.BufferedImage;
import org.texhash.trainer.nn.Chw;

/**
 * Expands a texture image of any size with a trained G ({@code texhash synth}).
 *
 * <p>Policy: G is fully convolutional, so it is applied to the image at its own scale (never
 * resized, which would change the texture's scale): the image is centre-cropped to sides that are
 * multiples of {@code 2^downsamplings} (dropping fewer than that many pixels), then G is applied
 * repeatedly, each pass doubling both sides, until both sides reach the requested size; the result
 * is centre-cropped to it. Without a size, G is applied once (2x). Images smaller than G's patch
 * side S are refused (G was never trained on less context). Memory grows with the output area, so
 * outputs are capped at {@value #MAX_SIDE} pixels a side.
 */
public final class TextureExpander {
  public static final int MAX_SIDE = 4096;

  private final TsnModel model;

  public TextureExpander(TsnModel model) {
    this.model = model;
  }

  /**
   * @param size the output side (square output), or 0 for one 2x pass keeping the aspect ratio
   */
  public BufferedImage expand(BufferedImage image, int size) {
    int s = model.preset().patchSize();
    int m = 1 << model.preset().downsamplings();
    if (size < 0 || size > MAX_SIDE) {
      throw new IllegalArgumentException(
          "size must be between 1 and " + MAX_SIDE + ", got " + size);
    }
    if (image.getWidth() < s || image.getHeight() < s) {
      throw new IllegalArgumentException(
          "image is "
              + image.getWidth()
              + "x"
              + image.getHeight()
              + ", the TSN needs at least "
              + s
              + "x"
              + s);
    }
    Chw x = Chw.of(image);
    x = x.centerCrop(x.height() / m * m, x.width() / m * m);
    do {
      if (2L * x.height() > MAX_SIDE || 2L * x.width() > MAX_SIDE) {
        throw new IllegalArgumentException("expansion would exceed " + MAX_SIDE + " pixels a side");
      }
      x = model.expand(x);
    } while (size > 0 && (x.height() < size || x.width() < size));
    return size > 0 ? x.centerCrop(size, size).toImage() : x.toImage();
  }
}
