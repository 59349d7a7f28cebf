package org.texhash.trainer.nn;

import java.awt.image.BufferedImage;

/**
 * Square or rectangular RGB images as planar float arrays ({@code [3, H, W]}, row major) in [-1,
 * 1], the value range of G's input and tanh output, and the few pixel operations the TSN needs on
 * them (crop, dihedral transforms, naive expansions).
 */
public record Chw(int height, int width, float[] data) {

  public Chw {
    if (height <= 0 || width <= 0 || data.length != 3 * height * width) {
      throw new IllegalArgumentException(
          "Chw needs 3 * height * width values, got "
              + data.length
              + " for "
              + height
              + "x"
              + width);
    }
  }

  public static Chw of(BufferedImage img) {
    int h = img.getHeight();
    int w = img.getWidth();
    int[] rgb = img.getRGB(0, 0, w, h, null, 0, w);
    float[] d = new float[3 * h * w];
    int plane = h * w;
    for (int i = 0; i < plane; i++) {
      int p = rgb[i];
      d[i] = ((p >> 16) & 0xff) / 127.5f - 1f;
      d[plane + i] = ((p >> 8) & 0xff) / 127.5f - 1f;
      d[2 * plane + i] = (p & 0xff) / 127.5f - 1f;
    }
    return new Chw(h, w, d);
  }

  public BufferedImage toImage() {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    int plane = height * width;
    int[] rgb = new int[plane];
    for (int i = 0; i < plane; i++) {
      rgb[i] =
          (toByte(data[i]) << 16) | (toByte(data[plane + i]) << 8) | toByte(data[2 * plane + i]);
    }
    img.setRGB(0, 0, width, height, rgb, 0, width);
    return img;
  }

  private static int toByte(float v) {
    return Math.max(0, Math.min(255, Math.round((v + 1f) * 127.5f)));
  }

  public Chw crop(int y0, int x0, int h, int w) {
    if (y0 < 0 || x0 < 0 || h <= 0 || w <= 0 || y0 + h > height || x0 + w > width) {
      throw new IllegalArgumentException(
          "crop " + h + "x" + w + " at (" + y0 + ", " + x0 + ") outside " + height + "x" + width);
    }
    float[] d = new float[3 * h * w];
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < h; y++) {
        System.arraycopy(data, (c * height + y0 + y) * width + x0, d, (c * h + y) * w, w);
      }
    }
    return new Chw(h, w, d);
  }

  /** The centred {@code h x w} crop. */
  public Chw centerCrop(int h, int w) {
    return crop((height - h) / 2, (width - w) / 2, h, w);
  }

  /**
   * One of the 8 symmetries of the square (rotations by 90 degrees, with or without a horizontal
   * flip): {@code k & 3} quarter turns, then a flip when {@code k >= 4}. Needs a square image.
   */
  public Chw dihedral(int k) {
    if (height != width) {
      throw new IllegalArgumentException(
          "dihedral transforms need a square image, got " + height + "x" + width);
    }
    int n = height;
    float[] d = new float[data.length];
    int turns = k & 3;
    boolean flip = (k & 4) != 0;
    for (int c = 0; c < 3; c++) {
      int base = c * n * n;
      for (int y = 0; y < n; y++) {
        for (int x = 0; x < n; x++) {
          int sx = flip ? n - 1 - x : x;
          int sy = y;
          for (int t = 0; t < turns; t++) { // rotate the source coordinate a quarter turn
            int tmp = sx;
            sx = sy;
            sy = n - 1 - tmp;
          }
          d[base + y * n + x] = data[base + sy * n + sx];
        }
      }
    }
    return new Chw(n, n, d);
  }

  /**
   * The naive "tiling" expansion: the periodic extension of this image to {@code h x w}, placed so
   * that this image sits in the centre (a 2x2 tiling, shifted by half a tile).
   */
  public Chw tileTo(int h, int w) {
    return extend(h, w, false);
  }

  /**
   * The naive "mirror padding" expansion: this image in the centre, reflected outwards (edge pixel
   * not repeated).
   */
  public Chw mirrorTo(int h, int w) {
    return extend(h, w, true);
  }

  private Chw extend(int h, int w, boolean mirror) {
    int oy = (h - height) / 2;
    int ox = (w - width) / 2;
    float[] d = new float[3 * h * w];
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < h; y++) {
        int sy = mirror ? reflect(y - oy, height) : Math.floorMod(y - oy, height);
        for (int x = 0; x < w; x++) {
          int sx = mirror ? reflect(x - ox, width) : Math.floorMod(x - ox, width);
          d[(c * h + y) * w + x] = data[(c * height + sy) * width + sx];
        }
      }
    }
    return new Chw(h, w, d);
  }

  /** Reflects index i into [0, n) without repeating the edge ("reflect" padding), for any i. */
  static int reflect(int i, int n) {
    if (n == 1) {
      return 0;
    }
    int period = 2 * (n - 1);
    int m = Math.floorMod(i, period);
    return m < n ? m : period - m;
  }

  /** Mean absolute difference per value. */
  public double l1(Chw other) {
    if (other.height != height || other.width != width) {
      throw new IllegalArgumentException(
          "size mismatch: " + height + "x" + width + " vs " + other.height + "x" + other.width);
    }
    double s = 0;
    for (int i = 0; i < data.length; i++) {
      s += Math.abs(data[i] - other.data[i]);
    }
    return s / data.length;
  }
}
