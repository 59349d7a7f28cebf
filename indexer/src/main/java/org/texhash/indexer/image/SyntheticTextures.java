package org.texhash.indexer.image;

import java.awt.image.BufferedImage;
import java.util.Random;

/**
 * A deterministic family of procedural colour textures: fractal value noise, oriented gratings,
 * bricks and spots, each mapped through a random two-colour ramp. The same seed and size always
 * give the same pixels (only {@link java.util.Random}, whose sequence Java specifies, and float
 * arithmetic are used).
 *
 * <p>Two uses: the data-free reference statistics of {@code LbpLshEncoder}, and test data (tests
 * must not depend on downloaded images).
 */
public final class SyntheticTextures {
  /** The number of distinct generators; {@code seed % KINDS} picks one. */
  public static final int KINDS = 4;

  private SyntheticTextures() {}

  /** The texture for {@code seed}, {@code width x height}, as {@code TYPE_INT_RGB}. */
  public static BufferedImage generate(long seed, int width, int height) {
    if (width < 1 || height < 1) {
      throw new IllegalArgumentException(
          "texture size must be at least 1 x 1, got " + width + " x " + height);
    }
    Random rnd = new Random(seed * 0x9E3779B97F4A7C15L + 17);
    int scale = Math.max(width, height);
    float[] t =
        switch (Math.floorMod(seed, KINDS)) {
          case 0 -> fractalNoise(rnd, width, height, scale);
          case 1 -> grating(rnd, width, height, scale);
          case 2 -> bricks(rnd, width, height, scale);
          default -> spots(rnd, width, height, scale);
        };
    return colourise(rnd, t, width, height);
  }

  private static float[] fractalNoise(Random rnd, int w, int h, int scale) {
    int octaves = 1 + rnd.nextInt(5);
    float freq = 2 + rnd.nextInt(15);
    float persistence = 0.4f + 0.3f * rnd.nextFloat();
    float[] out = new float[w * h];
    float amp = 1f;
    for (int o = 0; o < octaves; o++) {
      add(out, valueNoise(rnd, w, h, freq / scale), amp);
      freq *= 2;
      amp *= persistence;
    }
    return normalise(out);
  }

  private static float[] grating(Random rnd, int w, int h, int scale) {
    double theta = Math.PI * rnd.nextDouble();
    double freq = (2 + rnd.nextInt(15)) / (double) scale;
    double phase = 2 * Math.PI * rnd.nextDouble();
    double cos = Math.cos(theta);
    double sin = Math.sin(theta);
    float[] out = new float[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        out[y * w + x] = (float) Math.sin(2 * Math.PI * freq * (x * cos + y * sin) + phase);
      }
    }
    add(
        out,
        valueNoise(rnd, w, h, (8 + rnd.nextInt(24)) / (float) scale),
        0.1f + 0.4f * rnd.nextFloat());
    return normalise(out);
  }

  private static float[] bricks(Random rnd, int w, int h, int scale) {
    int cell = Math.max(2, scale / (4 + rnd.nextInt(13)));
    int rowHeight = Math.max(2, cell / (1 + rnd.nextInt(2)));
    int mortar = Math.max(1, cell / 8);
    Random cells = new Random(rnd.nextLong());
    int columns = w / cell + 2;
    float[] shade = new float[(h / rowHeight + 2) * columns];
    for (int i = 0; i < shade.length; i++) {
      shade[i] = 0.4f + 0.6f * cells.nextFloat();
    }
    float[] out = new float[w * h];
    for (int y = 0; y < h; y++) {
      int row = y / rowHeight;
      int shift = (row % 2) * cell / 2;
      for (int x = 0; x < w; x++) {
        int col = (x + shift) / cell;
        boolean joint = y % rowHeight < mortar || (x + shift) % cell < mortar;
        out[y * w + x] = joint ? 0f : shade[row * columns + col];
      }
    }
    add(
        out,
        valueNoise(rnd, w, h, (16 + rnd.nextInt(32)) / (float) scale),
        0.15f + 0.2f * rnd.nextFloat());
    return normalise(out);
  }

  private static float[] spots(Random rnd, int w, int h, int scale) {
    float[] out = new float[w * h];
    int count = 4 + rnd.nextInt(60);
    float maxRadius = scale * (0.03f + 0.1f * rnd.nextFloat());
    for (int s = 0; s < count; s++) {
      float cx = rnd.nextFloat() * w;
      float cy = rnd.nextFloat() * h;
      float radius = maxRadius * (0.3f + 0.7f * rnd.nextFloat());
      float level = 0.5f + 0.5f * rnd.nextFloat();
      int x0 = Math.max(0, (int) (cx - radius));
      int x1 = Math.min(w - 1, (int) (cx + radius) + 1);
      int y0 = Math.max(0, (int) (cy - radius));
      int y1 = Math.min(h - 1, (int) (cy + radius) + 1);
      for (int y = y0; y <= y1; y++) {
        for (int x = x0; x <= x1; x++) {
          float dx = x - cx;
          float dy = y - cy;
          if (dx * dx + dy * dy <= radius * radius) {
            out[y * w + x] = Math.max(out[y * w + x], level);
          }
        }
      }
    }
    add(
        out,
        valueNoise(rnd, w, h, (4 + rnd.nextInt(28)) / (float) scale),
        0.1f + 0.3f * rnd.nextFloat());
    return normalise(out);
  }

  /** Smoothly interpolated random lattice values; {@code freq} is in lattice cells per pixel. */
  private static float[] valueNoise(Random rnd, int w, int h, float freq) {
    int gw = (int) Math.ceil(w * freq) + 2;
    int gh = (int) Math.ceil(h * freq) + 2;
    float[] lattice = new float[gw * gh];
    for (int i = 0; i < lattice.length; i++) {
      lattice[i] = rnd.nextFloat() * 2 - 1;
    }
    float[] out = new float[w * h];
    for (int y = 0; y < h; y++) {
      float fy = y * freq;
      int iy = (int) fy;
      float ty = smooth(fy - iy);
      for (int x = 0; x < w; x++) {
        float fx = x * freq;
        int ix = (int) fx;
        float tx = smooth(fx - ix);
        float a = lattice[iy * gw + ix];
        float b = lattice[iy * gw + ix + 1];
        float c = lattice[(iy + 1) * gw + ix];
        float d = lattice[(iy + 1) * gw + ix + 1];
        out[y * w + x] = (a + (b - a) * tx) + ((c + (d - c) * tx) - (a + (b - a) * tx)) * ty;
      }
    }
    return out;
  }

  private static float smooth(float t) {
    return t * t * (3 - 2 * t);
  }

  private static void add(float[] into, float[] values, float weight) {
    for (int i = 0; i < into.length; i++) {
      into[i] += weight * values[i];
    }
  }

  private static float[] normalise(float[] v) {
    float min = Float.POSITIVE_INFINITY;
    float max = Float.NEGATIVE_INFINITY;
    for (float x : v) {
      min = Math.min(min, x);
      max = Math.max(max, x);
    }
    float range = max - min;
    for (int i = 0; i < v.length; i++) {
      v[i] = range > 0 ? (v[i] - min) / range : 0.5f;
    }
    return v;
  }

  /** Maps intensities in [0, 1] through a ramp between two random colours (sometimes grey). */
  private static BufferedImage colourise(Random rnd, float[] t, int w, int h) {
    boolean grey = rnd.nextInt(5) == 0;
    float hue = rnd.nextFloat();
    float hueSpread = 0.15f * (rnd.nextFloat() - 0.5f);
    float sat = grey ? 0f : 0.15f + 0.8f * rnd.nextFloat();
    float dark = 0.05f + 0.45f * rnd.nextFloat();
    float light = dark + (1f - dark) * (0.3f + 0.7f * rnd.nextFloat());
    int[] px = new int[w * h];
    for (int i = 0; i < px.length; i++) {
      float v = dark + (light - dark) * t[i];
      float hh = hue + hueSpread * t[i];
      px[i] = java.awt.Color.HSBtoRGB(hh - (float) Math.floor(hh), sat, v) & 0xFFFFFF;
    }
    return Images.fromPixels(px, w, h);
  }
}
