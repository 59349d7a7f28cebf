package org.texhash.lucene;

import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.util.BytesRef;

/**
 * Multi-index hashing (Norouzi, Punjani and Fleet, CVPR 2012): a K-bit code is cut into m
 * contiguous substrings, each indexed as a term, so that a query can find its near neighbours by
 * looking up the few substrings close to its own instead of scanning every code.
 *
 * <p><b>Substrings.</b> Substring j covers code bits {@code [start(j), start(j) + length(j))}. The
 * first {@code K mod m} substrings have {@code ceil(K/m)} bits, the others {@code floor(K/m)}, so
 * the lengths differ by at most one. A substring is at most 64 bits long, hence {@code ceil(K/64)
 * <= m <= min(K, 255)}.
 *
 * <p><b>Term encoding.</b> Every substring becomes one term of the field {@code field + "_mih"}:
 *
 * <pre>
 *   byte 0        m, the number of substrings (1..255)
 *   byte 1        j, the substring index (0..m-1)
 *   bytes 2..     the substring's bits, most significant (lowest code bit) first,
 *                 left-aligned in ceil(length(j)/8) bytes, the unused low bits zero
 * </pre>
 *
 * The index byte keeps equal bit patterns of different substrings apart; the leading m lets a query
 * discover, per segment, how the segment was indexed (from the terms' minimum and maximum) instead
 * of trusting a setting that could disagree with the index. A document therefore has exactly m
 * distinct terms.
 *
 * <p><b>Why it is exact.</b> If two codes are at Hamming distance d, at least one of their m
 * substrings differs in at most {@code floor(d/m)} bits (pigeonhole). {@link HammingKnnQuery}
 * probes all substrings within radius r of the query's substrings and stops once every document not
 * yet seen is provably farther than the current k-th result.
 */
public final class MultiIndexHashing {
  /** The suffix of the field that holds the substring terms. */
  public static final String FIELD_SUFFIX = "_mih";

  /** The largest m the one-byte header can hold. */
  public static final int MAX_SUBSTRINGS = 255;

  private MultiIndexHashing() {}

  /** The name of the field holding the substring terms of codes stored in {@code field}. */
  public static String termsField(String field) {
    return field + FIELD_SUFFIX;
  }

  /**
   * Checks that a K-bit code can be cut into m substrings (each 1 to 64 bits, m at most 255) and
   * returns m.
   */
  public static int checkSubstrings(int bits, int m) {
    HashCode.checkBits(bits);
    int min = (bits + 63) / 64;
    int max = Math.min(bits, MAX_SUBSTRINGS);
    if (m < min || m > max) {
      throw new IllegalArgumentException(
          "a " + bits + "-bit code needs between " + min + " and " + max + " substrings, got " + m);
    }
    return m;
  }

  /** The length in bits of substring j of a K-bit code cut into m substrings. */
  public static int length(int bits, int m, int j) {
    return bits / m + (j < bits % m ? 1 : 0);
  }

  /** The first code bit of substring j. */
  public static int start(int bits, int m, int j) {
    int base = bits / m;
    int longer = bits % m;
    return j * base + Math.min(j, longer);
  }

  /**
   * A substring count for about {@code docCount} codes: the paper's rule of thumb is substrings of
   * about log2(N) bits, so that each substring value holds a handful of documents.
   */
  public static int recommendedSubstrings(int bits, long docCount) {
    HashCode.checkBits(bits);
    double log2 = Math.log(Math.max(2, docCount)) / Math.log(2);
    int m = (int) Math.round(bits / Math.max(1.0, log2));
    return Math.max((bits + 63) / 64, Math.min(Math.min(bits, MAX_SUBSTRINGS), Math.max(1, m)));
  }

  /** The m terms of a code, in substring order (the form {@link HashCodeField} indexes). */
  public static List<BytesRef> substringTerms(HashCode code, int m) {
    checkSubstrings(code.bits(), m);
    List<BytesRef> terms = new ArrayList<>(m);
    long[] words = code.words();
    for (int j = 0; j < m; j++) {
      int length = length(code.bits(), m, j);
      BytesRef term = new BytesRef(new byte[termLength(length)]);
      term.length =
          writeTerm(m, j, length, substring(words, start(code.bits(), m, j), length), term.bytes);
      terms.add(term);
    }
    return terms;
  }

  /** The number of bytes of a term for a substring of {@code length} bits. */
  static int termLength(int length) {
    return 2 + (length + 7) / 8;
  }

  /**
   * The bits {@code [start, start + length)} of a code given as big-endian words, as a long whose
   * lowest {@code length} bits hold them (the code's earliest bit the most significant).
   */
  static long substring(long[] words, int start, int length) {
    long value = 0;
    for (int i = 0; i < length; i++) {
      int bit = start + i;
      long b = (words[bit >>> 6] >>> (63 - (bit & 63))) & 1L;
      value = (value << 1) | b;
    }
    return value;
  }

  /** Writes the term of substring j (value in its low {@code length} bits); returns its length. */
  static int writeTerm(int m, int j, int length, long value, byte[] out) {
    out[0] = (byte) m;
    out[1] = (byte) j;
    int bytes = (length + 7) / 8;
    long aligned = value << (8 * bytes - length); // left-align into whole bytes (at most 64 bits)
    for (int b = 0; b < bytes; b++) {
      out[2 + b] = (byte) (aligned >>> (8 * (bytes - 1 - b)));
    }
    return 2 + bytes;
  }
}
