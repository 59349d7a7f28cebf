package org.texhash.lucene;

import java.io.IOException;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.FixedBitSet;

/**
 * Exact top-k of one segment by multi-index hashing (see {@link MultiIndexHashing}).
 *
 * <p>Radius r = 0, 1, 2, ... is probed table by table: in table j every substring at exactly r
 * bit flips from the query's substring j is looked up in the terms dictionary, and each document
 * of its postings not seen before is verified by its full distance from the cached codes.
 *
 * <p><b>Stopping bound.</b> After table j has been probed at radius r, tables 0..j are complete to
 * radius r and tables j+1..m-1 to radius r-1. A document not yet seen differs from the query by
 * more than that in every substring, so its distance is at least
 * {@code (j+1)(r+1) + (m-j-1) r = m r + j + 1}. Once k hits are kept and the worst of them is
 * strictly closer than that bound, no unseen document can enter the top-k, not even on a tie
 * (equal distances are ordered by doc id, and an unseen one is strictly farther). If a table has
 * been probed up to its full substring length, every document has been seen. This holds for
 * unequal substring lengths because the loop ends at the first table to be exhausted, before any
 * bound relies on a radius beyond a substring's length.
 *
 * <p><b>Cost fallback.</b> With a budget, the search gives up (returns null) before a pass whose
 * lookups would push the spent work past the cost of scanning the segment; the caller then scans.
 */
final class MultiIndexSearch {
  /**
   * Work of one terms-dictionary lookup, in units of one 64-bit popcount of a scan. Measured
   * roughly on a 1M-code segment: a seekExact (with its postings) costs about as much as scanning
   * a few hundred codes.
   */
  static final long LOOKUP_COST = 400;
  /** Work of verifying one candidate (postings decode, seen bit, random code access). */
  static final long CANDIDATE_COST = 8;
  /** No budget: probe until the bound proves completeness, however long that takes. */
  static final long UNLIMITED = Long.MAX_VALUE;

  private MultiIndexSearch() {}

  /**
   * The number of substrings of the segment's terms, or 0 when the segment has no substring terms
   * or they cannot be trusted to cover every code exactly once per substring (mixed m, a count of
   * documents with terms that differs from the count with codes, or codes changed by doc-values
   * updates after the terms were indexed); such a segment is scanned.
   */
  static int segmentSubstrings(LeafReader reader, String field, SegmentCodes codes) throws IOException {
    Terms terms = reader.terms(MultiIndexHashing.termsField(field));
    if (terms == null) {
      return 0;
    }
    // codes changed by doc-values updates no longer match the substring terms indexed with them
    if (reader.getFieldInfos().fieldInfo(field).getDocValuesGen() != -1) {
      return 0;
    }
    BytesRef min = terms.getMin();
    BytesRef max = terms.getMax();
    if (min == null || max == null || min.length < 2 || max.length < 2) {
      return 0;
    }
    int m = min.bytes[min.offset] & 0xFF;
    if ((max.bytes[max.offset] & 0xFF) != m
        || m < (codes.bits + 63) / 64
        || m > Math.min(codes.bits, MultiIndexHashing.MAX_SUBSTRINGS)) {
      return 0;
    }
    if (terms.getDocCount() != codes.count || terms.getSumDocFreq() != (long) m * codes.count) {
      return 0;
    }
    return m;
  }

  /**
   * The k best keys ({@link TopHits#key}) of the segment, best first, or null when the work would
   * exceed {@code budget}.
   *
   * @param accept the documents that may be hits (live and filtered), or null for all
   * @param acceptable how many documents have a code and are accepted, or -1 when unknown; once
   *     that many have been verified nothing is left to find
   */
  static long[] search(LeafReader reader, String field, int m, SegmentCodes codes, HashCode query,
      int k, Bits accept, int acceptable, long budget) throws IOException {
    TermsEnum termsEnum = reader.terms(MultiIndexHashing.termsField(field)).iterator();
    int bits = codes.bits;
    long[] q = query.words();
    int[] lengths = new int[m];
    long[] querySubstrings = new long[m];
    int maxLength = 0;
    for (int j = 0; j < m; j++) {
      lengths[j] = MultiIndexHashing.length(bits, m, j);
      querySubstrings[j] = MultiIndexHashing.substring(q, MultiIndexHashing.start(bits, m, j), lengths[j]);
      maxLength = Math.max(maxLength, lengths[j]);
    }
    byte[] termBytes = new byte[MultiIndexHashing.termLength(maxLength)];
    BytesRef term = new BytesRef(termBytes);
    FixedBitSet seen = new FixedBitSet(codes.maxDoc);
    TopHits top = new TopHits(k);
    PostingsEnum postings = null;
    int[] positions = new int[maxLength + 1];
    long spent = 0;
    int verified = 0;
    for (int r = 0; ; r++) {
      for (int j = 0; j < m; j++) {
        int length = lengths[j];
        if (budget != UNLIMITED) {
          spent = saturatingAdd(spent, saturatingMultiply(binomial(length, r), LOOKUP_COST));
          if (spent > budget) {
            return null;
          }
        }
        long candidates = 0;
        // all r-subsets of the substring's bit positions, as positions[0] < ... < positions[r-1]
        for (int i = 0; i < r; i++) {
          positions[i] = i;
        }
        while (true) {
          long mask = 0;
          for (int i = 0; i < r; i++) {
            mask |= 1L << positions[i];
          }
          term.length = MultiIndexHashing.writeTerm(m, j, length, querySubstrings[j] ^ mask, termBytes);
          if (termsEnum.seekExact(term)) {
            postings = termsEnum.postings(postings, PostingsEnum.NONE);
            for (int doc = postings.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = postings.nextDoc()) {
              if (seen.getAndSet(doc)) {
                continue;
              }
              candidates++;
              if (codes.has(doc) && (accept == null || accept.get(doc))) {
                top.offer(codes.distance(doc, q), doc);
                verified++;
              }
            }
          }
          if (!nextCombination(positions, r, length)) {
            break;
          }
        }
        if (budget != UNLIMITED) {
          spent = saturatingAdd(spent, saturatingMultiply(candidates, CANDIDATE_COST));
        }
        if (r >= length || verified == acceptable) {
          // table j probed at every radius, or every acceptable document verified: nothing unseen
          return top.sortedKeys();
        }
        long bound = (long) m * r + j + 1;
        if (top.full() && top.worstDistance() < bound) {
          return top.sortedKeys();
        }
      }
    }
  }

  /** Advances to the next r-subset of {0..n-1} in lexicographic order; false after the last. */
  static boolean nextCombination(int[] positions, int r, int n) {
    int i = r - 1;
    while (i >= 0 && positions[i] == n - r + i) {
      i--;
    }
    if (i < 0) {
      return false;
    }
    positions[i]++;
    for (int t = i + 1; t < r; t++) {
      positions[t] = positions[t - 1] + 1;
    }
    return true;
  }

  /** C(n, r), saturating at Long.MAX_VALUE. */
  static long binomial(int n, int r) {
    if (r < 0 || r > n) {
      return 0;
    }
    r = Math.min(r, n - r);
    double c = 1;
    for (int i = 1; i <= r; i++) {
      c = c * (n - r + i) / i;
    }
    return c >= Long.MAX_VALUE ? Long.MAX_VALUE : Math.round(c);
  }

  private static long saturatingAdd(long a, long b) {
    long s = a + b;
    return s < 0 ? Long.MAX_VALUE : s;
  }

  private static long saturatingMultiply(long a, long b) {
    return a != 0 && b > Long.MAX_VALUE / a ? Long.MAX_VALUE : a * b;
  }
}
