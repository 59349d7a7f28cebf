package org.texhash.cli.bench;

import org.texhash.lucene.HashCode;

/**
 * Many K-bit codes in one flat {@code long[]}, {@code wordsPerCode} words per code, in the
 * big-endian word layout of {@link HashCode#toLongs()} (so bit i of the code is bit {@code 63 -
 * i%64} of word {@code i/64}, and the last word is zero-padded when K is not a multiple of 64).
 *
 * <p>One array rather than {@code HashCode[]}: 10M codes as objects would cost more heap than the
 * index, and the raw scan wants sequential memory.
 */
public final class PackedCodes {
  private final int bits;
  private final int wordsPerCode;
  private final long[] words;

  PackedCodes(int bits, long[] words) {
    this.bits = HashCode.checkBits(bits);
    this.wordsPerCode = wordsFor(bits);
    if (words.length % wordsPerCode != 0) {
      throw new IllegalArgumentException(
          "word count " + words.length + " is not a multiple of " + wordsPerCode);
    }
    this.words = words;
  }

  static int wordsFor(int bits) {
    return (bits + 63) / 64;
  }

  public int bits() {
    return bits;
  }

  public int wordsPerCode() {
    return wordsPerCode;
  }

  public int size() {
    return words.length / wordsPerCode;
  }

  /** The backing array (not a copy): the scans read it directly. */
  public long[] words() {
    return words;
  }

  public HashCode code(int i) {
    return HashCode.fromLongs(wordsOf(i), bits);
  }

  /** A copy of the words of code {@code i}. */
  public long[] wordsOf(int i) {
    long[] w = new long[wordsPerCode];
    System.arraycopy(words, i * wordsPerCode, w, 0, wordsPerCode);
    return w;
  }

  /** The packed bytes of code {@code i}, most significant bit first (the doc values layout). */
  public byte[] bytesOf(int i) {
    byte[] b = new byte[bits / 8];
    int base = i * wordsPerCode;
    for (int j = 0; j < b.length; j++) {
      b[j] = (byte) (words[base + (j >>> 3)] >>> (56 - 8 * (j & 7)));
    }
    return b;
  }

  /**
   * Code {@code i} as one byte per bit (0 or 1): the vector HNSW indexes; its squared L2 is the
   * Hamming distance.
   */
  public byte[] bitVectorOf(int i) {
    byte[] v = new byte[bits];
    int base = i * wordsPerCode;
    for (int j = 0; j < bits; j++) {
      v[j] = (byte) ((words[base + (j >>> 6)] >>> (63 - (j & 63))) & 1L);
    }
    return v;
  }

  /**
   * The same codes in ascending order of their value (words compared as unsigned, first word
   * first): what an index sorted on the code would hold, with codes that share a prefix next to
   * each other.
   */
  public PackedCodes sortedByValue() {
    Integer[] order = new Integer[size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(
        order,
        (a, b) -> {
          for (int w = 0; w < wordsPerCode; w++) {
            int c = Long.compareUnsigned(words[a * wordsPerCode + w], words[b * wordsPerCode + w]);
            if (c != 0) {
              return c;
            }
          }
          return Integer.compare(a, b);
        });
    long[] sorted = new long[words.length];
    for (int i = 0; i < order.length; i++) {
      System.arraycopy(words, order[i] * wordsPerCode, sorted, i * wordsPerCode, wordsPerCode);
    }
    return new PackedCodes(bits, sorted);
  }

  /** Hamming distance between code {@code i} and {@code query} (the query's words). */
  public int distance(int i, long[] query) {
    int base = i * wordsPerCode;
    int d = 0;
    for (int w = 0; w < wordsPerCode; w++) {
      d += Long.bitCount(words[base + w] ^ query[w]);
    }
    return d;
  }
}
