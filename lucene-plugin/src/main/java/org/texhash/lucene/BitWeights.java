package org.texhash.lucene;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * One weight per bit of a query code, for a weighted Hamming distance: the sum of the weights of
 * the bits where a document's code differs from the query's. An immutable value.
 *
 * <p>Why: a code is the sign of an encoder's features, and a feature near zero gives a bit that a
 * small change of the image flips. The query's own features are at hand when it is encoded, so
 * weighting each bit by {@code |feature|} ranks documents by {@code q . sign(d)}, the query's
 * features against the stored codes (an asymmetric distance: the index keeps its K-bit codes).
 * {@link #fromFeatures} makes such weights.
 *
 * <p>Weights are integers from 0 to {@link #MAX_WEIGHT}, so distances are exact integers: the same
 * document order on every path, ties broken by doc id as for plain distances. With every weight 1
 * the distance is the Hamming distance.
 */
public final class BitWeights {
  /** The largest weight; {@link #fromFeatures} gives it to the most confident bit. */
  public static final int MAX_WEIGHT = 255;

  private final int[] weights;
  // the weight sum of each possible XOR byte at each byte b of the code, at [b * 256 + byte]: a
  // scan looks up one sum per byte instead of visiting bits
  private final int[] byteSums;
  // leastSums[h]: the sum of the h smallest weights, a lower bound of the distance of any code h
  // bits away; one popcount then rules out most codes of a scan without looking up a byte
  private final int[] leastSums;

  private BitWeights(int[] weights) {
    this.weights = weights;
    int[] sorted = weights.clone();
    Arrays.sort(sorted);
    this.leastSums = new int[weights.length + 1];
    for (int i = 0; i < sorted.length; i++) {
      leastSums[i + 1] = leastSums[i] + sorted[i];
    }
    this.byteSums = new int[weights.length / 8 * 256];
    for (int b = 0; b < weights.length / 8; b++) {
      for (int x = 1; x < 256; x++) {
        int sum = 0;
        for (int i = 0; i < 8; i++) {
          if ((x & (0x80 >>> i)) != 0) {
            sum += weights[8 * b + i];
          }
        }
        byteSums[(b << 8) | x] = sum;
      }
    }
  }

  /**
   * Weights as given, one per bit (bit i as {@link HashCode#bit(int)} numbers it), each from 0 to
   * {@link #MAX_WEIGHT}.
   */
  public static BitWeights of(int[] weights) {
    HashCode.checkBits(weights.length);
    for (int i = 0; i < weights.length; i++) {
      if (weights[i] < 0 || weights[i] > MAX_WEIGHT) {
        throw new IllegalArgumentException(
            "bit weight " + i + " must be 0 to " + MAX_WEIGHT + ", got " + weights[i]);
      }
    }
    return new BitWeights(weights.clone());
  }

  /**
   * The weights of a query whose code is {@code HashCode.fromSigns(features)}: {@code
   * |features[i]|} scaled so that the largest is {@link #MAX_WEIGHT}, rounded. Features that are
   * all zero (or not finite) carry no confidence to weigh by: every weight is then 1, the plain
   * Hamming distance.
   */
  public static BitWeights fromFeatures(float[] features) {
    HashCode.checkBits(features.length);
    double largest = 0;
    for (float f : features) {
      largest = Math.max(largest, Math.abs(f));
    }
    int[] w = new int[features.length];
    if (!(largest > 0) || !Double.isFinite(largest)) {
      Arrays.fill(w, 1);
      return new BitWeights(w);
    }
    for (int i = 0; i < w.length; i++) {
      w[i] = (int) Math.round(Math.abs(features[i]) / largest * MAX_WEIGHT);
    }
    return new BitWeights(w);
  }

  /**
   * Weights written by {@link #toHex()}: two hex digits per bit, bit 0 first (so a 64-bit code's
   * weights are 128 digits).
   */
  public static BitWeights fromHex(String hex) {
    if (hex == null || hex.length() % 2 != 0) {
      throw new IllegalArgumentException(
          "bit weights must be two hex digits per bit, got " + (hex == null ? "none" : hex));
    }
    byte[] b;
    try {
      b = HexFormat.of().parseHex(hex);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("bit weights are not hex: " + hex, e);
    }
    int[] w = new int[b.length];
    for (int i = 0; i < w.length; i++) {
      w[i] = b[i] & 0xFF;
    }
    return of(w);
  }

  /** Two hex digits per bit, bit 0 first: what {@link #fromHex} reads (Solr's {@code weights}). */
  public String toHex() {
    byte[] b = new byte[weights.length];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) weights[i];
    }
    return HexFormat.of().formatHex(b);
  }

  public int bits() {
    return weights.length;
  }

  public int weight(int i) {
    return weights[i];
  }

  /** The weighted distance between two codes of {@link #bits()} bits, bit by bit. */
  public int distance(HashCode a, HashCode b) {
    if (a.bits() != bits() || b.bits() != bits()) {
      throw new IllegalArgumentException(
          bits() + " weights, codes of " + a.bits() + " and " + b.bits() + " bits");
    }
    int d = 0;
    for (int i = 0; i < weights.length; i++) {
      if (a.bit(i) != b.bit(i)) {
        d += weights[i];
      }
    }
    return d;
  }

  /**
   * The weighted distance between a query's words and the code at {@code codes[base..]}, as {@link
   * HashCode#toLongs()} packs them, if it is below {@code bound}; otherwise any value at least
   * {@code bound} (a scan gives up on a code as soon as it cannot enter its top k: when even the
   * lightest weights of as many bits as differ reach the bound, or the sum so far does). The scan's
   * form of {@link #distance(HashCode, HashCode)}.
   */
  int distance(long[] query, long[] codes, int base, int bound) {
    int bytes = byteSums.length >>> 8;
    int differing = 0;
    for (int w = 0; w < (bytes + 7) >>> 3; w++) {
      differing += Long.bitCount(query[w] ^ codes[base + w]);
    }
    if (leastSums[differing] >= bound) {
      return leastSums[differing]; // even its lightest bits would not do
    }
    int d = 0;
    for (int w = 0, b = 0; b < bytes; w++) {
      long x = query[w] ^ codes[base + w];
      int end = Math.min(bytes, b + 8);
      if (x == 0) {
        b = end;
        continue;
      }
      for (int shift = 56; b < end; b++, shift -= 8) {
        d += byteSums[(b << 8) | (int) ((x >>> shift) & 0xFF)];
        if (d >= bound) {
          return d;
        }
      }
    }
    return d;
  }

  /**
   * The least weighted distance of a code that differs from the query in {@code differing} bits:
   * the sum of the {@code differing} smallest weights (the total weight beyond {@link #bits()}).
   */
  int leastSum(long differing) {
    return leastSums[(int) Math.min(differing, weights.length)];
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BitWeights other && Arrays.equals(weights, other.weights);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(weights);
  }

  @Override
  public String toString() {
    return "BitWeights" + Arrays.toString(weights);
  }
}
