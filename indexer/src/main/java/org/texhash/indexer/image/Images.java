package org.texhash.indexer.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorConvertOp;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DirectColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;

/**
 * Pixel plumbing shared by the loader, the encoders and the crop policy. Everything here works on
 * {@code TYPE_INT_RGB} (packed 0xRRGGBB) and is plain Java arithmetic, so results do not depend on
 * the Java2D rendering pipeline of the machine.
 */
public final class Images {
  private Images() {}

  /**
   * The image as {@code TYPE_INT_RGB}; returns {@code image} itself when it already is one.
   *
   * <p>Grey, palette, 8/16-bit and float samples are scaled to 8 bits per channel directly (grey
   * samples are taken as already gamma-encoded, as PNG and JPEG store them, not as Java's linear
   * grey); other colour spaces (CMYK, YCCK, ICC profiles) go through {@link ColorConvertOp} to
   * sRGB. Alpha is composited onto white, so a transparent background reads as paper, not black.
   */
  public static BufferedImage toRgb(BufferedImage image) {
    if (image.getType() == BufferedImage.TYPE_INT_RGB) {
      return image;
    }
    ColorModel cm = image.getColorModel();
    int type = cm.getColorSpace().getType();
    if (cm instanceof IndexColorModel || cm instanceof DirectColorModel) {
      return fromArgb(image); // palette and packed RGB(A): getRGB is exact here
    }
    if (cm instanceof ComponentColorModel
        && (type == ColorSpace.TYPE_RGB || type == ColorSpace.TYPE_GRAY)) {
      return fromComponents(image, (ComponentColorModel) cm);
    }
    BufferedImage converted =
        new BufferedImage(
            image.getWidth(),
            image.getHeight(),
            cm.hasAlpha() ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
    new ColorConvertOp(null).filter(image, converted);
    return cm.hasAlpha() ? fromArgb(converted) : converted;
  }

  /** Packed 0xRRGGBB pixels, row by row, of any image (converted by {@link #toRgb}). */
  public static int[] rgbPixels(BufferedImage image) {
    BufferedImage rgb = toRgb(image);
    return (int[]) rgb.getRaster().getDataElements(0, 0, rgb.getWidth(), rgb.getHeight(), null);
  }

  /** A new {@code TYPE_INT_RGB} image of {@code width x height} holding {@code pixels}. */
  public static BufferedImage fromPixels(int[] pixels, int width, int height) {
    if (pixels.length != width * height) {
      throw new IllegalArgumentException(
          "pixels: expected "
              + width
              + " x "
              + height
              + " = "
              + width * height
              + " values, got "
              + pixels.length);
    }
    BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    out.getRaster().setDataElements(0, 0, width, height, pixels);
    return out;
  }

  /** A copy of the {@code size x size} square at (x, y), as a new {@code TYPE_INT_RGB} image. */
  public static BufferedImage crop(BufferedImage image, int x, int y, int size) {
    BufferedImage rgb = toRgb(image);
    if (x < 0 || y < 0 || x + size > rgb.getWidth() || y + size > rgb.getHeight()) {
      throw new IllegalArgumentException(
          "crop "
              + size
              + " x "
              + size
              + " at ("
              + x
              + ", "
              + y
              + ") is outside the "
              + rgb.getWidth()
              + " x "
              + rgb.getHeight()
              + " image");
    }
    int[] px = (int[]) rgb.getRaster().getDataElements(x, y, size, size, null);
    return fromPixels(px, size, size);
  }

  /**
   * Every {@code k}-th pixel of every {@code k}-th row, from (0, 0): what ImageIO's source
   * subsampling gives.
   */
  public static BufferedImage subsample(BufferedImage image, int k) {
    BufferedImage rgb = toRgb(image);
    int w = (rgb.getWidth() + k - 1) / k;
    int h = (rgb.getHeight() + k - 1) / k;
    int[] out = new int[w * h];
    int[] row = new int[rgb.getWidth()];
    for (int y = 0; y < h; y++) {
      rgb.getRaster().getDataElements(0, y * k, rgb.getWidth(), 1, row);
      for (int x = 0; x < w; x++) {
        out[y * w + x] = row[x * k];
      }
    }
    return fromPixels(out, w, h);
  }

  /**
   * Resamples to {@code width x height}: area averaging along an axis that shrinks (every source
   * pixel counts, no aliasing), bilinear along an axis that grows. Separable, in float, rounded
   * once.
   */
  public static BufferedImage resize(BufferedImage image, int width, int height) {
    if (width < 1 || height < 1) {
      throw new IllegalArgumentException(
          "resize target must be at least 1 x 1, got " + width + " x " + height);
    }
    BufferedImage rgb = toRgb(image);
    int w = rgb.getWidth();
    int h = rgb.getHeight();
    if (w == width && h == height) {
      return fromPixels(rgbPixels(rgb), w, h);
    }
    int[] px = rgbPixels(rgb);
    float[][] planes = new float[3][w * h];
    for (int i = 0; i < px.length; i++) {
      planes[0][i] = (px[i] >>> 16) & 0xFF;
      planes[1][i] = (px[i] >>> 8) & 0xFF;
      planes[2][i] = px[i] & 0xFF;
    }
    Resampler horizontal = new Resampler(w, width);
    Resampler vertical = new Resampler(h, height);
    int[] out = new int[width * height];
    for (int c = 0; c < 3; c++) {
      float[] rows = new float[width * h];
      for (int y = 0; y < h; y++) {
        horizontal.apply(planes[c], y * w, 1, rows, y * width, 1);
      }
      float[] cols = new float[width * height];
      for (int x = 0; x < width; x++) {
        vertical.apply(rows, x, width, cols, x, width);
      }
      int shift = 16 - 8 * c;
      for (int i = 0; i < out.length; i++) {
        int v = Math.round(cols[i]);
        out[i] |= Math.max(0, Math.min(255, v)) << shift;
      }
    }
    return fromPixels(out, width, height);
  }

  /**
   * Applies an EXIF orientation (1..8, TIFF tag 274) so the result is upright. Values outside 2..8
   * return the image unchanged.
   */
  public static BufferedImage orient(BufferedImage image, int orientation) {
    if (orientation < 2 || orientation > 8) {
      return image;
    }
    BufferedImage rgb = toRgb(image);
    int w = rgb.getWidth();
    int h = rgb.getHeight();
    int[] src = rgbPixels(rgb);
    boolean swap = orientation >= 5;
    int ow = swap ? h : w;
    int oh = swap ? w : h;
    int[] dst = new int[src.length];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        // Where the stored pixel (x, y) lands in the upright image.
        int ox;
        int oy;
        switch (orientation) {
          case 2 -> {
            ox = w - 1 - x;
            oy = y;
          } // mirrored horizontally
          case 3 -> {
            ox = w - 1 - x;
            oy = h - 1 - y;
          } // rotated 180
          case 4 -> {
            ox = x;
            oy = h - 1 - y;
          } // mirrored vertically
          case 5 -> {
            ox = y;
            oy = x;
          } // transposed
          case 6 -> {
            ox = h - 1 - y;
            oy = x;
          } // stored rotated 90 CCW: turn 90 CW
          case 7 -> {
            ox = h - 1 - y;
            oy = w - 1 - x;
          } // transversed
          default -> {
            ox = y;
            oy = w - 1 - x;
          } // 8: stored rotated 90 CW: turn 90 CCW
        }
        dst[oy * ow + ox] = src[y * w + x];
      }
    }
    return fromPixels(dst, ow, oh);
  }

  private static BufferedImage fromArgb(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
    if (image.getColorModel().hasAlpha()) {
      for (int i = 0; i < argb.length; i++) {
        int a = argb[i] >>> 24;
        argb[i] = a == 255 ? argb[i] : onWhite(argb[i], a);
      }
    }
    for (int i = 0; i < argb.length; i++) {
      argb[i] &= 0xFFFFFF;
    }
    return fromPixels(argb, w, h);
  }

  private static int onWhite(int argb, int alpha) {
    int r = blend((argb >>> 16) & 0xFF, alpha);
    int g = blend((argb >>> 8) & 0xFF, alpha);
    int b = blend(argb & 0xFF, alpha);
    return (r << 16) | (g << 8) | b;
  }

  private static int blend(int c, int alpha) {
    return (c * alpha + 255 * (255 - alpha) + 127) / 255;
  }

  /**
   * RGB or grey samples of any depth, with or without alpha, scaled to 8 bits by their own range.
   */
  private static BufferedImage fromComponents(BufferedImage image, ComponentColorModel cm) {
    Raster raster = image.getRaster();
    int w = image.getWidth();
    int h = image.getHeight();
    int colours = cm.getNumColorComponents();
    boolean alpha = cm.hasAlpha();
    boolean premultiplied = cm.isAlphaPremultiplied();
    boolean floating =
        raster.getDataBuffer().getDataType() == DataBuffer.TYPE_FLOAT
            || raster.getDataBuffer().getDataType() == DataBuffer.TYPE_DOUBLE;
    int bands = raster.getNumBands();
    float[] max = new float[bands];
    for (int b = 0; b < bands; b++) {
      max[b] = floating ? 1f : (float) ((1L << cm.getComponentSize(b)) - 1);
    }
    int[] out = new int[w * h];
    float[] row = new float[w * bands];
    for (int y = 0; y < h; y++) {
      raster.getPixels(0, y, w, 1, row);
      for (int x = 0; x < w; x++) {
        int o = x * bands;
        float a = alpha ? clamp01(row[o + bands - 1] / max[bands - 1]) : 1f;
        int packed = 0;
        for (int c = 0; c < 3; c++) {
          int band = colours == 1 ? 0 : c;
          float v = clamp01(row[o + band] / max[band]);
          if (alpha) {
            v = (premultiplied ? v : v * a) + (1f - a); // composite onto white
          }
          packed = (packed << 8) | Math.round(clamp01(v) * 255f);
        }
        out[y * w + x] = packed;
      }
    }
    return fromPixels(out, w, h);
  }

  private static float clamp01(float v) {
    return v < 0f ? 0f : (v > 1f ? 1f : v);
  }

  /** One axis of {@link #resize}: for each output index, the source indices and their weights. */
  private static final class Resampler {
    private final int[] start;
    private final float[][] weights;

    Resampler(int in, int out) {
      start = new int[out];
      weights = new float[out][];
      double scale = (double) in / out;
      for (int i = 0; i < out; i++) {
        if (scale >= 1) {
          double lo = i * scale;
          double hi = lo + scale;
          int first = (int) Math.floor(lo);
          int last = Math.min(in - 1, (int) Math.ceil(hi) - 1);
          float[] wts = new float[last - first + 1];
          for (int j = first; j <= last; j++) {
            wts[j - first] = (float) ((Math.min(hi, j + 1) - Math.max(lo, j)) / scale);
          }
          start[i] = first;
          weights[i] = wts;
        } else {
          double centre = (i + 0.5) * scale - 0.5;
          int j0 = (int) Math.floor(centre);
          float t = (float) (centre - j0);
          int a = Math.max(0, Math.min(in - 1, j0));
          int b = Math.max(0, Math.min(in - 1, j0 + 1));
          if (a == b) {
            start[i] = a;
            weights[i] = new float[] {1f};
          } else {
            start[i] = a;
            weights[i] = new float[] {1f - t, t};
          }
        }
      }
    }

    void apply(
        float[] src, int srcOffset, int srcStride, float[] dst, int dstOffset, int dstStride) {
      for (int i = 0; i < start.length; i++) {
        float[] wts = weights[i];
        float sum = 0f;
        int s = srcOffset + start[i] * srcStride;
        for (float wt : wts) {
          sum += wt * src[s];
          s += srcStride;
        }
        dst[dstOffset + i * dstStride] = sum;
      }
    }
  }
}
