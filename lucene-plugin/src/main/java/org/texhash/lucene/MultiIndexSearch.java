package org.texhash.lucene;

import java.io.IOException;
import java.util.Arrays;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.SparseFixedBitSet;

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
 * <p>Within a table and radius the probes are sorted, so the terms enum moves forward through
 * the dictionary and reuses the blocks it holds, which is markedly cheaper than random-order lookups.
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
    return new MultiIndexSearch(reader, field, m, codes, query, k, accept).run(acceptable, budget);
  }

  /** Probes are sorted in chunks of at most this many, so terms are visited in index order. */
  private static final int PROBE_CHUNK = 1 << 14;

  private final int m;
  private final SegmentCodes codes;
  private final long[] query;
  private final Bits accept;
  private final TermsEnum termsEnum;
  private final byte[] termBytes;
  private final BytesRef term;
  private final SparseFixedBitSet seen; // sparse: allocating maxDoc bits per query would rival a scan
  private final TopHits top;
  private final int[] lengths;
  private final long[] querySubstrings;
  private PostingsEnum postings;
  private long candidates;
  private int verified;

  private MultiIndexSearch(LeafReader reader, String field, int m, SegmentCodes codes, HashCode query,
      int k, Bits accept) throws IOException {
    this.m = m;
    this.codes = codes;
    this.query = query.words();
    this.accept = accept;
    this.termsEnum = reader.terms(MultiIndexHashing.termsField(field)).iterator();
    this.lengths = new int[m];
    this.querySubstrings = new long[m];
    int maxLength = 0;
    for (int j = 0; j < m; j++) {
      lengths[j] = MultiIndexHashing.length(codes.bits, m, j);
      querySubstrings[j] =
          MultiIndexHashing.substring(this.query, MultiIndexHashing.start(codes.bits, m, j), lengths[j]);
      maxLength = Math.max(maxLength, lengths[j]);
    }
    this.termBytes = new byte[MultiIndexHashing.termLength(maxLength)];
    this.term = new BytesRef(termBytes);
    this.seen = new SparseFixedBitSet(Math.max(1, codes.maxDoc));
    this.top = new TopHits(k);
  }

  private long[] run(int acceptable, long budget) throws IOException {
    long spent = 0;
    int[] positions = new int[65]; // substrings are at most 64 bits
    long[] probes = new long[PROBE_CHUNK];
    for (int r = 0; ; r++) {
      for (int j = 0; j < m; j++) {
        int length = lengths[j];
        if (budget != UNLIMITED) {
          spent = saturatingAdd(spent, saturatingMultiply(binomial(length, r), LOOKUP_COST));
          if (spent > budget) {
            return null;
          }
        }
        candidates = 0;
        // all r-subsets of the substring's bit positions, as positions[0] < ... < positions[r-1]
        for (int i = 0; i < r; i++) {
          positions[i] = i;
        }
        int count = 0;
        boolean more = true;
        while (more) {
          long mask = 0;
          for (int i = 0; i < r; i++) {
            mask |= 1L << positions[i];
          }
          probes[count++] = querySubstrings[j] ^ mask;
          more = nextCombination(positions, r, length);
          if (count == probes.length || !more) {
            probe(j, length, probes, count);
            count = 0;
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

  /**
   * Looks up the given substring values of table j in ascending term order (the terms enum then
   * reuses the blocks it already holds) and verifies every document not seen before.
   */
  private void probe(int j, int length, long[] values, int count) throws IOException {
    // term order is unsigned order of the left-aligned values: flip the sign bit for a 64-bit substring
    long flip = length == 64 ? Long.MIN_VALUE : 0;
    for (int i = 0; i < count; i++) {
      values[i] ^= flip;
    }
    Arrays.sort(values, 0, count);
    for (int i = 0; i < count; i++) {
      term.length = MultiIndexHashing.writeTerm(m, j, length, values[i] ^ flip, termBytes);
      if (!termsEnum.seekExact(term)) {
        continue;
      }
      postings = termsEnum.postings(postings, PostingsEnum.NONE);
      for (int doc = postings.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = postings.nextDoc()) {
        if (seen.getAndSet(doc)) {
          continue;
        }
        candidates++;
        if (codes.has(doc) && (accept == null || accept.get(doc))) {
          top.offer(codes.distance(doc, query), doc);
          verified++;
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
