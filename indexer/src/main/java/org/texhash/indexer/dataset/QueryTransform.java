package org.texhash.indexer.dataset;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.texhash.indexer.image.Images;

/**
 * A change applied to query patches only (the database is untouched), to measure how codes survive
 * what a user's photo does to a texture. Written {@code kind:amount}:
 *
 * <ul>
 *   <li>{@code identity}: the patch as sampled.
 *   <li>{@code scale:F}: the texture magnified F times (0.25..4): the window of side S/F around the
 *       patch centre (moved inside the region when needed) is resized to S, area-averaged when it
 *       shrinks. {@code scale:0.5} shows twice the texture, {@code scale:2} half of it.
 *   <li>{@code rotate:D}: rotated D degrees about the patch centre, bilinear, sampled from the
 *       region so that no corner is empty (the centre moves inward when needed).
 *   <li>{@code brightness:F}: every channel times F; {@code contrast:F}: every channel's distance
 *       to the patch's mean grey times F (both clamped to 0..255).
 *   <li>{@code blur:SIGMA}: a Gaussian blur of standard deviation SIGMA pixels (0..8), edges
 *       clamped: an out-of-focus photo.
 *   <li>{@code jpeg:Q}: encoded as JPEG at quality Q (1..100) and decoded again.
 * </ul>
 */
public record QueryTransform(Kind kind, double amount) {
  /** The transforms {@code robustness} stands for, comma-separated. */
  public static final String ROBUSTNESS_SPEC =
      "identity,scale:0.5,scale:2,rotate:30,rotate:90,brightness:0.6,brightness:1.4,contrast:0.5,jpeg:30";

  public static final List<String> ROBUSTNESS = List.of(ROBUSTNESS_SPEC.split(","));

  public static final QueryTransform IDENTITY = new QueryTransform(Kind.IDENTITY, 0);

  /** The kinds of transform, by their name in a spec. */
  public enum Kind {
    IDENTITY,
    SCALE,
    ROTATE,
    BRIGHTNESS,
    CONTRAST,
    BLUR,
    JPEG;

    String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public QueryTransform {
    boolean ok =
        switch (kind) {
          case IDENTITY -> true;
          case SCALE -> amount >= 0.25 && amount <= 4;
          case ROTATE -> Double.isFinite(amount);
          case BRIGHTNESS, CONTRAST -> amount >= 0 && amount <= 10;
          case BLUR -> amount >= 0 && amount <= 8;
          case JPEG -> amount >= 1 && amount <= 100 && amount == Math.rint(amount);
        };
    if (!ok) {
      throw new IllegalArgumentException(
          "query transform "
              + kind.tag()
              + ":"
              + amount
              + " is out of range (scale 0.25..4, brightness/contrast 0..10, blur 0..8, jpeg an"
              + " integer quality 1..100)");
    }
  }

  /**
   * Parses {@code identity} or {@code kind:amount}; {@code robustness} is not a single transform.
   */
  public static QueryTransform parse(String spec) {
    String s = spec.trim().toLowerCase(Locale.ROOT);
    if (s.equals("identity") || s.equals("none")) {
      return IDENTITY;
    }
    int colon = s.indexOf(':');
    if (colon > 0) {
      for (Kind k : Kind.values()) {
        if (k != Kind.IDENTITY && k.tag().equals(s.substring(0, colon))) {
          try {
            return new QueryTransform(k, Double.parseDouble(s.substring(colon + 1)));
          } catch (NumberFormatException e) {
            break;
          }
        }
      }
    }
    throw new IllegalArgumentException(
        "query transform must be identity, scale:F, rotate:DEGREES, brightness:F, "
            + "contrast:F, blur:SIGMA or jpeg:QUALITY (or the list robustness), got '"
            + spec
            + "'");
  }

  /**
   * Parses a list of specs, expanding {@code robustness} to {@link #ROBUSTNESS}; duplicates are an
   * error.
   */
  public static List<QueryTransform> parseAll(List<String> specs) {
    List<QueryTransform> out = new ArrayList<>();
    for (String spec : specs) {
      for (String one : spec.trim().equalsIgnoreCase("robustness") ? ROBUSTNESS : List.of(spec)) {
        QueryTransform t = parse(one);
        if (out.contains(t)) {
          throw new IllegalArgumentException("query transform " + t + " is listed twice");
        }
        out.add(t);
      }
    }
    return out;
  }

  /**
   * The query patch {@code p} of {@code region}, transformed, at {@code outputSize} pixels (resized
   * from the patch size when they differ, as {@link PatchSampler#crop} does).
   */
  public BufferedImage apply(BufferedImage region, PatchSpec p, int outputSize) {
    int size = p.size();
    BufferedImage patch =
        switch (kind) {
          case SCALE -> scaled(region, p);
          case ROTATE -> rotated(region, p);
          default -> Images.crop(region, p.x(), p.y(), size);
        };
    patch =
        switch (kind) {
          case BRIGHTNESS -> brightness(patch, amount);
          case CONTRAST -> contrast(patch, amount);
          case BLUR -> blur(patch, amount);
          case JPEG -> jpeg(patch, (int) amount);
          default -> patch;
        };
    return size == outputSize ? patch : Images.resize(patch, outputSize, outputSize);
  }

  private BufferedImage scaled(BufferedImage region, PatchSpec p) {
    int window = (int) Math.round(p.size() / amount);
    int w = region.getWidth();
    int h = region.getHeight();
    if (window > Math.min(w, h)) {
      throw new IllegalArgumentException(
          "scale:"
              + amount
              + " needs a "
              + window
              + "-pixel window, larger than the "
              + w
              + "x"
              + h
              + " region of "
              + p.image()
              + "; use a smaller patch or a milder scale");
    }
    int x = (int) Math.max(0, Math.min(w - window, Math.round(p.x() + (p.size() - window) / 2.0)));
    int y = (int) Math.max(0, Math.min(h - window, Math.round(p.y() + (p.size() - window) / 2.0)));
    return Images.resize(Images.crop(region, x, y, window), p.size(), p.size());
  }

  private BufferedImage rotated(BufferedImage region, PatchSpec p) {
    double radians = Math.toRadians(amount);
    double cos = Math.cos(radians);
    double sin = Math.sin(radians);
    int size = p.size();
    double reach = size / 2.0 * (Math.abs(cos) + Math.abs(sin));
    int[] centre = centreWithin(region, p, Math.ceil(reach) + 1);
    int[] src = Images.rgbPixels(region);
    int w = region.getWidth();
    int h = region.getHeight();
    int[] out = new int[size * size];
    for (int v = 0; v < size; v++) {
      for (int u = 0; u < size; u++) {
        double dx = u + 0.5 - size / 2.0;
        double dy = v + 0.5 - size / 2.0;
        double sx = centre[0] + cos * dx - sin * dy - 0.5;
        double sy = centre[1] + sin * dx + cos * dy - 0.5;
        out[v * size + u] = bilinear(src, w, h, sx, sy);
      }
    }
    return Images.fromPixels(out, size, size);
  }

  /**
   * The patch centre, moved inward so that {@code reach} pixels around it lie inside the region.
   */
  private int[] centreWithin(BufferedImage region, PatchSpec p, double reach) {
    int w = region.getWidth();
    int h = region.getHeight();
    if (2 * reach > Math.min(w, h)) {
      throw new IllegalArgumentException(
          this
              + " needs "
              + (int) Math.ceil(2 * reach)
              + " pixels around the patch, more than the "
              + w
              + "x"
              + h
              + " region of "
              + p.image()
              + " has; use a smaller patch");
    }
    double cx = Math.max(reach, Math.min(w - reach, p.x() + p.size() / 2.0));
    double cy = Math.max(reach, Math.min(h - reach, p.y() + p.size() / 2.0));
    return new int[] {(int) Math.round(cx), (int) Math.round(cy)};
  }

  private static int bilinear(int[] px, int w, int h, double x, double y) {
    int x0 = Math.max(0, Math.min(w - 1, (int) Math.floor(x)));
    int y0 = Math.max(0, Math.min(h - 1, (int) Math.floor(y)));
    int x1 = Math.min(w - 1, x0 + 1);
    int y1 = Math.min(h - 1, y0 + 1);
    double fx = Math.max(0, Math.min(1, x - x0));
    double fy = Math.max(0, Math.min(1, y - y0));
    int rgb = 0;
    for (int shift = 16; shift >= 0; shift -= 8) {
      double top =
          ((px[y0 * w + x0] >>> shift) & 0xFF) * (1 - fx)
              + ((px[y0 * w + x1] >>> shift) & 0xFF) * fx;
      double bottom =
          ((px[y1 * w + x0] >>> shift) & 0xFF) * (1 - fx)
              + ((px[y1 * w + x1] >>> shift) & 0xFF) * fx;
      rgb |= clamp(top * (1 - fy) + bottom * fy) << shift;
    }
    return rgb;
  }

  private static BufferedImage brightness(BufferedImage patch, double gain) {
    return perChannel(patch, 0, gain);
  }

  private static BufferedImage contrast(BufferedImage patch, double gain) {
    int[] px = Images.rgbPixels(patch);
    double sum = 0;
    for (int p : px) {
      sum += 0.299 * ((p >>> 16) & 0xFF) + 0.587 * ((p >>> 8) & 0xFF) + 0.114 * (p & 0xFF);
    }
    return perChannel(patch, sum / px.length, gain);
  }

  /** Every channel v becomes centre + gain * (v - centre). */
  private static BufferedImage perChannel(BufferedImage patch, double centre, double gain) {
    int[] px = Images.rgbPixels(patch);
    int[] out = new int[px.length];
    for (int i = 0; i < px.length; i++) {
      for (int shift = 16; shift >= 0; shift -= 8) {
        out[i] |= clamp(centre + gain * (((px[i] >>> shift) & 0xFF) - centre)) << shift;
      }
    }
    return Images.fromPixels(out, patch.getWidth(), patch.getHeight());
  }

  /** Separable Gaussian blur, radius ceil(3 sigma), edges clamped. */
  private static BufferedImage blur(BufferedImage patch, double sigma) {
    int radius = (int) Math.ceil(3 * sigma);
    if (radius == 0) {
      return patch;
    }
    double[] kernel = new double[2 * radius + 1];
    double sum = 0;
    for (int i = -radius; i <= radius; i++) {
      kernel[i + radius] = Math.exp(-i * i / (2 * sigma * sigma));
      sum += kernel[i + radius];
    }
    for (int i = 0; i < kernel.length; i++) {
      kernel[i] /= sum;
    }
    int w = patch.getWidth();
    int h = patch.getHeight();
    int[] horizontal = convolve(Images.rgbPixels(patch), w, h, kernel, 1, 0);
    return Images.fromPixels(convolve(horizontal, w, h, kernel, 0, 1), w, h);
  }

  /** One pass of a 1-D kernel along (dx, dy), edges clamped. */
  private static int[] convolve(int[] px, int w, int h, double[] kernel, int dx, int dy) {
    int radius = kernel.length / 2;
    int[] out = new int[px.length];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double r = 0;
        double g = 0;
        double b = 0;
        for (int i = -radius; i <= radius; i++) {
          int sx = Math.max(0, Math.min(w - 1, x + i * dx));
          int sy = Math.max(0, Math.min(h - 1, y + i * dy));
          int p = px[sy * w + sx];
          double k = kernel[i + radius];
          r += k * ((p >>> 16) & 0xFF);
          g += k * ((p >>> 8) & 0xFF);
          b += k * (p & 0xFF);
        }
        out[y * w + x] = clamp(r) << 16 | clamp(g) << 8 | clamp(b);
      }
    }
    return out;
  }

  private static BufferedImage jpeg(BufferedImage patch, int quality) {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(quality / 100f);
        writer.setOutput(out);
        writer.write(null, new IIOImage(Images.toRgb(patch), null, null), param);
      }
      return Images.toRgb(ImageIO.read(new ByteArrayInputStream(bytes.toByteArray())));
    } catch (IOException e) {
      throw new UncheckedIOException("JPEG round trip failed", e);
    } finally {
      writer.dispose();
    }
  }

  private static int clamp(double v) {
    return (int) Math.max(0, Math.min(255, Math.round(v)));
  }

  /** The spec form, e.g. {@code scale:0.5}, {@code jpeg:30}, {@code identity}. */
  @Override
  public String toString() {
    if (kind == Kind.IDENTITY) {
      return "identity";
    }
    String a = amount == Math.rint(amount) ? Long.toString((long) amount) : String.valueOf(amount);
    return kind.tag() + ":" + a;
  }
}
