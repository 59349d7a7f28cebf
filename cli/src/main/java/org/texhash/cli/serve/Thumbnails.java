package org.texhash.cli.serve;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.texhash.indexer.image.Images;

/**
 * Small JPEG previews of decoded images, for the search page and the standalone HTML report. Only
 * re-encoded pixels ever leave the server this way, never the bytes of an indexed file.
 */
public final class Thumbnails {
  /** The longer side of a thumbnail: a grid cell of ~160 CSS pixels on a 1.5x screen. */
  public static final int DEFAULT_SIZE = 256;

  private static final float QUALITY = 0.85f;

  private Thumbnails() {}

  /** {@code image} scaled so that its longer side is at most {@code size}, as JPEG bytes. */
  public static byte[] jpeg(BufferedImage image, int size) {
    return encode(scaled(Images.toRgb(image), size));
  }

  /**
   * {@code image} scaled (area averaging, aspect ratio kept) so its longer side is at most {@code
   * size}.
   */
  static BufferedImage scaled(BufferedImage rgb, int size) {
    int w = rgb.getWidth();
    int h = rgb.getHeight();
    int longer = Math.max(w, h);
    if (longer <= size) {
      return rgb;
    }
    // Images.resize keeps three float planes of the source: shrink big images by whole-pixel
    // box averaging first, so a 64-megapixel file does not need 1 GB for its thumbnail.
    int factor = longer / (2 * size);
    BufferedImage source = factor >= 2 ? boxShrink(rgb, factor) : rgb;
    double scale = (double) size / longer;
    int tw = Math.max(1, (int) Math.round(w * scale));
    int th = Math.max(1, (int) Math.round(h * scale));
    return Images.resize(source, tw, th);
  }

  /** The mean of each {@code factor x factor} block (the last partial blocks are dropped). */
  private static BufferedImage boxShrink(BufferedImage rgb, int factor) {
    int w = rgb.getWidth() / factor;
    int h = rgb.getHeight() / factor;
    int[] out = new int[w * h];
    int[] row = new int[w * factor];
    long[] sums = new long[w * 3];
    int n = factor * factor;
    for (int by = 0; by < h; by++) {
      Arrays.fill(sums, 0);
      for (int dy = 0; dy < factor; dy++) {
        rgb.getRaster().getDataElements(0, by * factor + dy, w * factor, 1, row);
        for (int x = 0; x < row.length; x++) {
          int p = row[x];
          int o = (x / factor) * 3;
          sums[o] += (p >>> 16) & 0xFF;
          sums[o + 1] += (p >>> 8) & 0xFF;
          sums[o + 2] += p & 0xFF;
        }
      }
      for (int bx = 0; bx < w; bx++) {
        int o = bx * 3;
        out[by * w + bx] =
            (int) ((sums[o] + n / 2) / n) << 16
                | (int) ((sums[o + 1] + n / 2) / n) << 8
                | (int) ((sums[o + 2] + n / 2) / n);
      }
    }
    return Images.fromPixels(out, w, h);
  }

  private static byte[] encode(BufferedImage rgb) {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
      writer.setOutput(out);
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(QUALITY);
      writer.write(null, new IIOImage(rgb, null, null), param);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode a thumbnail", e); // in memory: does not happen
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }
}
