package org.texhash.indexer.encoder;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.texhash.indexer.image.Images;
import org.texhash.lucene.HashCode;

/**
 * The code of a whole image of any size, for an encoder that sees S x S patches.
 *
 * <p>The policy, deterministic and the same for indexing and querying:
 *
 * <ol>
 *   <li><b>Scale.</b> The image is resized (area averaging down, bilinear up, aspect ratio kept) so
 *       that its shorter side is within [S, {@value #MAX_SCALE} S]: images whose shorter side is
 *       already in that range are not resampled at all; larger ones are brought down to a shorter
 *       side of {@value #MAX_SCALE} S (512 pixels for S = 64, the size of the training textures, so
 *       a patch covers the same share of a texture at training and indexing time); smaller ones are
 *       brought up to S. When an image is resampled, its longer side is capped at {@value
 *       #MAX_ASPECT} x {@value #MAX_SCALE} S, so panoramas beyond 8:1 are squeezed rather than
 *       blown up.
 *   <li><b>Grid.</b> Along each axis of length L, {@code n = clamp(floor(L / S), 1, }{@value
 *       #MAX_GRID}{@code )} crops of S pixels are placed evenly from edge to edge (offsets {@code
 *       round(i (L - S) / (n - 1))}, or the centre when n = 1): a 4 x 4 grid for a 512 x 512
 *       texture, one centred crop for an S x S patch.
 *   <li><b>Pool.</b> The encoder's pre-sign features of all crops are averaged and the mean is
 *       signed. Averaging before the sign lets every crop vote with its confidence, and for a
 *       linear encoder (LBP + LSH) it equals hashing the mean descriptor.
 * </ol>
 *
 * An S x S patch is thus hashed exactly as {@link Encoder#encode} hashes it.
 */
public final class ImageCodes {
  /** The largest shorter side, in multiples of S, an image is hashed at. */
  public static final int MAX_SCALE = 8;

  /** Aspect ratios beyond this are squeezed when an image is resampled (bounds the work). */
  public static final int MAX_ASPECT = 8;

  /** The most crops along one axis. */
  public static final int MAX_GRID = 4;

  private ImageCodes() {}

  /** The code of {@code image} under {@code encoder}; see the class comment. */
  public static HashCode code(Encoder encoder, BufferedImage image) {
    return HashCode.fromSigns(features(encoder, image));
  }

  /** The pooled pre-sign features of {@code image}, whose signs are its {@link #code}. */
  public static float[] features(Encoder encoder, BufferedImage image) {
    return pool(encoder.features(crops(image, encoder.inputSize())));
  }

  /** The crops step 1 and 2 of the policy take from {@code image}, row by row. */
  public static List<BufferedImage> crops(BufferedImage image, int size) {
    if (size < 1) {
      throw new IllegalArgumentException("patch size must be positive, got " + size);
    }
    BufferedImage scaled = rescale(Images.toRgb(image), size);
    int[] xs = offsets(scaled.getWidth(), size);
    int[] ys = offsets(scaled.getHeight(), size);
    List<BufferedImage> out = new ArrayList<>(xs.length * ys.length);
    for (int y : ys) {
      for (int x : xs) {
        out.add(Images.crop(scaled, x, y, size));
      }
    }
    return out;
  }

  /** Step 3: the mean of the rows (the pre-sign features of one image's crops). */
  public static float[] pool(float[][] features) {
    if (features.length == 0) {
      throw new IllegalArgumentException("no features to pool");
    }
    float[] mean = new float[features[0].length];
    for (float[] row : features) {
      if (row.length != mean.length) {
        throw new IllegalArgumentException(
            "feature rows differ in length: " + row.length + " vs " + mean.length);
      }
      for (int i = 0; i < mean.length; i++) {
        mean[i] += row[i];
      }
    }
    for (int i = 0; i < mean.length; i++) {
      mean[i] /= features.length;
    }
    return mean;
  }

  private static BufferedImage rescale(BufferedImage image, int size) {
    int w = image.getWidth();
    int h = image.getHeight();
    int shorter = Math.min(w, h);
    long target = Math.max(size, Math.min((long) MAX_SCALE * size, shorter));
    if (target == shorter) {
      return image;
    }
    long longest = (long) MAX_ASPECT * MAX_SCALE * size;
    int nw = (int) Math.min(longest, Math.max(size, Math.round((double) w * target / shorter)));
    int nh = (int) Math.min(longest, Math.max(size, Math.round((double) h * target / shorter)));
    return Images.resize(image, nw, nh);
  }

  private static int[] offsets(int length, int size) {
    int n = Math.max(1, Math.min(MAX_GRID, length / size));
    int[] out = new int[n];
    if (n == 1) {
      out[0] = (length - size) / 2;
      return out;
    }
    for (int i = 0; i < n; i++) {
      out[i] = (int) Math.round((double) i * (length - size) / (n - 1));
    }
    return out;
  }
}
