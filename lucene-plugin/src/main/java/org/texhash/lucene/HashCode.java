package org.texhash.lucene;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * An immutable K-bit binary hash code. K is a multiple of 8 between 8 and 4096.
 *
 * <p>Bit order is fixed by the encoder contract (docs/ARCHITECTURE.md): bit i is the i-th feature's
 * sign, packed most significant bit first within each byte, so byte 0 holds bits 0..7. The same
 * bytes are what the index stores in doc values, so {@link #bytes()} is the on-disk form.
 */
public final class HashCode {
  public static final int MIN_BITS = 8;
  public static final int MAX_BITS = 4096;

  private final byte[] bytes;
  private final long[] words; // big-endian view of bytes, zero-padded; used for popcount

  private HashCode(byte[] bytes) {
    this.bytes = bytes;
    this.words = toWords(bytes);
  }

  /** Checks that {@code bits} is a legal code length and returns it. */
  public static int checkBits(int bits) {
    if (bits < MIN_BITS || bits > MAX_BITS || bits % 8 != 0) {
      throw new IllegalArgumentException(
          "code length must be a multiple of 8 between "
              + MIN_BITS
              + " and "
              + MAX_BITS
              + ", got "
              + bits);
    }
    return bits;
  }

  /** A code from its packed bytes (copied); the length in bits is {@code 8 * bytes.length}. */
  public static HashCode fromBytes(byte[] bytes) {
    checkBits(bytes.length * 8);
    return new HashCode(bytes.clone());
  }

  /** A code from {@code length} packed bytes of {@code bytes} starting at {@code offset}. */
  public static HashCode fromBytes(byte[] bytes, int offset, int length) {
    checkBits(length * 8);
    return new HashCode(Arrays.copyOfRange(bytes, offset, offset + length));
  }

  /** A code from hex, two digits per byte, most significant first (as {@link #toHex()} writes). */
  public static HashCode fromHex(String hex) {
    if (hex == null || hex.length() % 2 != 0) {
      throw new IllegalArgumentException("hex code must have an even number of digits: " + hex);
    }
    byte[] b;
    try {
      b = HexFormat.of().parseHex(hex);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a hex code: " + hex, e);
    }
    checkBits(b.length * 8);
    return new HashCode(b);
  }

  /**
   * A code from 64-bit words as {@link #toLongs()} writes them; {@code bits} selects the length.
   */
  public static HashCode fromLongs(long[] words, int bits) {
    checkBits(bits);
    if (words.length != (bits + 63) / 64) {
      throw new IllegalArgumentException(
          bits + " bits need " + (bits + 63) / 64 + " words, got " + words.length);
    }
    byte[] b = new byte[bits / 8];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (words[i >>> 3] >>> (56 - 8 * (i & 7)));
    }
    return new HashCode(b);
  }

  /** The encoder contract: bit i is 1 when {@code features[i] > 0}. */
  public static HashCode fromSigns(float[] features) {
    checkBits(features.length);
    byte[] b = new byte[features.length / 8];
    for (int i = 0; i < features.length; i++) {
      if (features[i] > 0) {
        b[i >>> 3] |= (byte) (0x80 >>> (i & 7));
      }
    }
    return new HashCode(b);
  }

  /** Packs bytes into big-endian 64-bit words, the last one zero-padded. */
  static long[] toWords(byte[] bytes) {
    long[] w = new long[(bytes.length + 7) / 8];
    for (int i = 0; i < bytes.length; i++) {
      w[i >>> 3] |= (bytes[i] & 0xFFL) << (56 - 8 * (i & 7));
    }
    return w;
  }

  public int bits() {
    return bytes.length * 8;
  }

  public boolean bit(int i) {
    return (bytes[i >>> 3] & (0x80 >>> (i & 7))) != 0;
  }

  /** A copy of the packed bytes. */
  public byte[] bytes() {
    return bytes.clone();
  }

  /**
   * A copy of the big-endian 64-bit words (the last one zero-padded when K is not a multiple of
   * 64).
   */
  public long[] toLongs() {
    return words.clone();
  }

  /**
   * The words without a copy, for the inner loops of this package; callers must not modify them.
   */
  long[] words() {
    return words;
  }

  public String toHex() {
    return HexFormat.of().formatHex(bytes);
  }

  /** Hamming distance; both codes must have the same length. */
  public int distance(HashCode other) {
    if (other.bytes.length != bytes.length) {
      throw new IllegalArgumentException("code lengths differ: " + bits() + " vs " + other.bits());
    }
    int d = 0;
    for (int i = 0; i < words.length; i++) {
      d += Long.bitCount(words[i] ^ other.words[i]);
    }
    return d;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HashCode h && Arrays.equals(bytes, h.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return toHex();
  }
}
