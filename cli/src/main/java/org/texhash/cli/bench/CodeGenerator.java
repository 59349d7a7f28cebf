package org.texhash.cli.bench;

import java.util.Locale;
import java.util.SplittableRandom;
import org.texhash.lucene.HashCode;

/**
 * Synthetic K-bit codes for the search benchmark, deterministic for a seed.
 *
 * <p><b>Clustered</b> (the default, shaped like codes of a trained hashing network, where images of
 * one texture class land near one class code): {@code centres} centre codes, each bit uniform;
 * every code picks a centre uniformly at random and flips each of its K bits independently with
 * probability {@code flip}. Two codes of one cluster are then about {@code 2 flip (1 - flip) K}
 * apart, while codes of different clusters are about K/2 apart. <b>Uniform</b>: every bit uniform.
 *
 * <p>Queries are drawn the same way from a separate random stream, so they are never database codes
 * (they share the centres). Code {@code i} of a stream depends only on (seed, stream, i), not on
 * how many codes are drawn: the first 1,000 codes of N = 1M are the codes of N = 1,000.
 */
public final class CodeGenerator {
  public static final int DEFAULT_CENTRES = 1000;
  public static final double DEFAULT_FLIP = 0.05;
  public static final long DEFAULT_SEED = 42;

  private static final long CENTRE_STREAM = 1;
  private static final long DATABASE_STREAM = 2;
  private static final long QUERY_STREAM = 3;

  private final int bits;
  private final int words;
  private final boolean uniform;
  private final double flip;
  private final long seed;
  private final long[] centres; // empty when uniform

  public CodeGenerator(int bits, boolean uniform, int centres, double flip, long seed) {
    this.bits = HashCode.checkBits(bits);
    this.words = PackedCodes.wordsFor(bits);
    if (!uniform && centres < 1) {
      throw new IllegalArgumentException("centres must be at least 1, got " + centres);
    }
    if (!(flip >= 0 && flip < 0.5)) {
      throw new IllegalArgumentException("flip probability must be in [0, 0.5), got " + flip);
    }
    this.uniform = uniform;
    this.flip = flip;
    this.seed = seed;
    this.centres = uniform ? new long[0] : new long[centres * words];
    for (int c = 0; c < (uniform ? 0 : centres); c++) {
      randomCode(rng(CENTRE_STREAM, c), this.centres, c * words);
    }
  }

  public static CodeGenerator clustered(int bits, long seed) {
    return new CodeGenerator(bits, false, DEFAULT_CENTRES, DEFAULT_FLIP, seed);
  }

  public static CodeGenerator uniform(int bits, long seed) {
    return new CodeGenerator(bits, true, 0, 0, seed);
  }

  /** The first {@code n} database codes. */
  public PackedCodes database(int n) {
    return draw(DATABASE_STREAM, n);
  }

  /** The first {@code n} query codes (a different stream from the database). */
  public PackedCodes queries(int n) {
    return draw(QUERY_STREAM, n);
  }

  public String describe() {
    return uniform
        ? String.format(Locale.ROOT, "uniform %d-bit codes, seed %d", bits, seed)
        : String.format(
            Locale.ROOT,
            "clustered %d-bit codes: %d centres, bit flip probability %.3f, seed %d",
            bits,
            centres.length / words,
            flip,
            seed);
  }

  private PackedCodes draw(long stream, int n) {
    if (n < 0) {
      throw new IllegalArgumentException("number of codes must be >= 0, got " + n);
    }
    long[] out = new long[Math.multiplyExact(n, words)];
    for (int i = 0; i < n; i++) {
      SplittableRandom r = rng(stream, i);
      if (uniform) {
        randomCode(r, out, i * words);
      } else {
        int c = r.nextInt(centres.length / words);
        System.arraycopy(centres, c * words, out, i * words, words);
        flipBits(r, out, i * words);
      }
    }
    return new PackedCodes(bits, out);
  }

  private void randomCode(SplittableRandom r, long[] out, int base) {
    for (int w = 0; w < words; w++) {
      out[base + w] = r.nextLong();
    }
    int tail = bits % 64;
    if (tail != 0) {
      out[base + words - 1] &= -1L << (64 - tail); // keep the zero padding of HashCode.toLongs()
    }
  }

  /**
   * Flips each bit with probability {@code flip}, jumping between flips with geometric gaps (exact,
   * and O(flips)).
   */
  private void flipBits(SplittableRandom r, long[] out, int base) {
    if (flip == 0) {
      return;
    }
    double logKeep = Math.log1p(-flip);
    long pos = -1;
    while (true) {
      pos += 1 + (long) Math.floor(Math.log(1 - r.nextDouble()) / logKeep);
      if (pos >= bits) {
        return;
      }
      int p = (int) pos;
      out[base + (p >>> 6)] ^= 1L << (63 - (p & 63));
    }
  }

  /**
   * An independent generator for code {@code index} of {@code stream} (SplitMix64 mixing of the
   * three).
   */
  private SplittableRandom rng(long stream, long index) {
    return new SplittableRandom(mix(seed ^ mix(stream * 0x9E3779B97F4A7C15L + index)));
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
