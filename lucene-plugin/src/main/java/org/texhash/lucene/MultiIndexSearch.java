package org.texhash.lucene;

import java.io.IOException;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.Terms;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.BytesRef;

/**
 * Exact top-k of one segment by multi-index hashing (see {@link MultiIndexHashing}).
 *
 * <p>Radius r = 0, 1, 2, ... is probed table by table: in table j every substring at exactly r bit
 * flips from the query's substring j is looked up in the segment's in-memory {@link SubstringTable}
 * (built from the cached codes; the terms only tell m), and each document of its run not met before
 * is verified by its full distance from the cached codes. Whether a document was met before follows
 * from its own substring distances (see {@link #seenBefore}), so a query allocates no seen set.
 *
 * <p><b>Stopping bound.</b> After table j has been probed at radius r, tables 0..j are complete to
 * radius r and tables j+1..m-1 to radius r-1. A document not yet seen differs from the query by
 * more than that in every substring, so its distance is at least {@code (j+1)(r+1) + (m-j-1) r = m
 * r + j + 1}. Once k hits are kept and the worst of them is strictly closer than that bound, no
 * unseen document can enter the top-k, not even on a tie (equal distances are ordered by doc id,
 * and an unseen one is strictly farther). If a table has been probed up to its full substring
 * length, every document has been seen. This holds for unequal substring lengths because the loop
 * ends at the first table to be exhausted, before any bound relies on a radius beyond a substring's
 * length.
 *
 * <p><b>Weighted distances.</b> With {@link BitWeights} every candidate is verified by its weighted
 * distance, and an unseen document, at least {@code m r + j + 1} bits away, is at least the sum of
 * that many of the smallest weights away ({@link BitWeights#leastSum}): the same bound, weighed.
 *
 * <p><b>Cost fallback.</b> With a budget, the search gives up (returns null) before a pass whose
 * lookups would push the spent work past the cost of scanning the segment; the caller then scans.
 */
final class MultiIndexSearch {
  /**
   * Work of one table lookup, in units of one 64-bit popcount of a scan: an offsets read and the
   * first read of the run (or a binary search), a few cache misses, where the terms-dictionary seek
   * this replaced cost about 400.
   */
  static final long LOOKUP_COST = 32;

  /** Work of verifying one candidate (a random code access and popcounts). */
  static final long CANDIDATE_COST = 8;

  /** No budget: probe until the bound proves completeness, however long that takes. */
  static final long UNLIMITED = Long.MAX_VALUE;

  /**
   * How many scans' worth of work forced multi-index hashing may spend before it too falls back to
   * the (equally exact) scan. Without a cap, long substrings on far-away data enumerate
   * astronomically many probes (a 64-bit substring at radius 8 is C(64, 8) = 4.4e9 lookups) and the
   * query never returns; 1000 scans is far beyond any case worth measuring (forced MIH on uniform
   * 256-bit codes, the worst row of docs/BENCHMARKS.md, costs about 60 scans).
   */
  static final long FORCED_BUDGET_SCANS = 1000;

  /**
   * The budget of {@code HammingKnnQuery.Strategy.MULTI_INDEX} for a segment whose scan costs
   * {@code scanCost}.
   */
  static long multiIndexBudget(long scanCost) {
    return saturatingMultiply(Math.max(scanCost, 1), FORCED_BUDGET_SCANS);
  }

  /**
   * The number of substrings of the segment's terms, or 0 when the segment has no substring terms
   * or they cannot be trusted to cover every code exactly once per substring (mixed m, a count of
   * documents with terms that differs from the count with codes, or codes changed by doc-values
   * updates after the terms were indexed); such a segment is scanned.
   */
  static int segmentSubstrings(LeafReader reader, String field, SegmentCodes codes)
      throws IOException {
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
   * The k best hits of the segment (segment doc ids), best first, or null when the work would
   * exceed {@code budget}.
   *
   * @param reader the segment, whose terms {@link #segmentSubstrings} found to have m substrings
   * @param weights the query's bit weights for a weighted distance, or null for the Hamming one
   * @param accept the documents that may be hits (live and filtered), or null for all
   * @param acceptable how many documents have a code and are accepted, or -1 when unknown; once
   *     that many have been verified nothing is left to find
   */
  static HammingHits search(
      LeafReader reader,
      String field,
      int m,
      SegmentCodes codes,
      HashCode query,
      BitWeights weights,
      int k,
      Bits accept,
      int acceptable,
      long budget) {
    return new MultiIndexSearch(m, codes, query, weights, k, accept).run(acceptable, budget);
  }

  /** Documents of a run verified together (see {@link #probe}). */
  private static final int BATCH = 32;

  private final int m;
  private final SegmentCodes codes;
  private SubstringTable table; // fetched (built once per segment) when the first probe is paid for
  private final long[] query;
  private final BitWeights weights; // null: the Hamming distance
  private final Bits accept;
  private final TopHits top;
  private final int[] lengths;
  private final long[] querySubstrings;

  /**
   * Substring j covers the bits {@code masks[2j]} of word {@code maskWords[2j]} and likewise 2j+1.
   */
  private final int[] maskWords;

  private final long[] masks;
  private final long[] xor;

  /** Distances of the current batch of a run of multi-word codes. */
  private final int[] distances = new int[BATCH];

  private long candidates;
  private int verified;

  private MultiIndexSearch(
      int m, SegmentCodes codes, HashCode query, BitWeights weights, int k, Bits accept) {
    this.m = m;
    this.codes = codes;
    this.query = query.words();
    this.weights = weights;
    this.accept = accept;
    this.lengths = new int[m];
    this.querySubstrings = new long[m];
    this.maskWords = new int[2 * m];
    this.masks = new long[2 * m];
    for (int j = 0; j < m; j++) {
      lengths[j] = MultiIndexHashing.length(codes.bits, m, j);
      int start = MultiIndexHashing.start(codes.bits, m, j);
      querySubstrings[j] = MultiIndexHashing.substring(this.query, start, lengths[j]);
      // a substring of at most 64 bits spans at most two words
      int end = start + lengths[j];
      int first = start >>> 6;
      int last = (end - 1) >>> 6;
      maskWords[2 * j] = first;
      masks[2 * j] = wordMask(start - 64 * first, Math.min(64, end - 64 * first));
      maskWords[2 * j + 1] = last;
      masks[2 * j + 1] = last == first ? 0 : wordMask(0, end - 64 * last);
    }
    this.xor = new long[codes.words];
    this.top = new TopHits(k);
  }

  /** The bits at positions [from, to) of a big-endian word (position 0 the most significant). */
  static long wordMask(int from, int to) {
    long upTo = to == 64 ? -1L : ~(-1L >>> to);
    return (-1L >>> from) & upTo;
  }

  private HammingHits run(int acceptable, long budget) {
    long spent = 0;
    int[] positions = new int[65]; // substrings are at most 64 bits
    for (int r = 0; ; r++) {
      for (int j = 0; j < m; j++) {
        int length = lengths[j];
        if (budget != UNLIMITED) {
          spent = saturatingAdd(spent, saturatingMultiply(binomial(length, r), LOOKUP_COST));
          if (spent > budget) {
            return null;
          }
        }
        if (table == null) {
          table = codes.substringTable(m);
        }
        candidates = 0;
        // all r-subsets of the substring's bit positions, as positions[0] < ... < positions[r-1]
        for (int i = 0; i < r; i++) {
          positions[i] = i;
        }
        boolean more = true;
        while (more) {
          long mask = 0;
          for (int i = 0; i < r; i++) {
            mask |= 1L << positions[i];
          }
          probe(j, r, querySubstrings[j] ^ mask);
          more = nextCombination(positions, r, length);
        }
        if (budget != UNLIMITED) {
          spent = saturatingAdd(spent, saturatingMultiply(candidates, CANDIDATE_COST));
        }
        if (r >= length || verified == acceptable) {
          // table j probed at every radius, or every acceptable document verified: nothing unseen
          return top.hits();
        }
        long bits = (long) m * r + j + 1; // an unseen document differs in at least this many
        long bound = weights == null ? bits : weights.leastSum(bits);
        if (top.full() && top.worstDistance() < bound) {
          return top.hits();
        }
      }
    }
  }

  /**
   * Verifies the documents whose substring j equals {@code value} (at distance r from the query's
   * substring j), skipping those an earlier probe already found.
   */
  private void probe(int j, int r, long value) {
    int slot = table.start(j, value);
    if (slot < 0) {
      return;
    }
    int[] docs = table.docs(j);
    int end = table.end(j, slot);
    long[] runCodes = table.codes(j);
    if (runCodes != null) {
      probeOneWord(j, r, docs, runCodes, table.begin(j, slot), end);
      return;
    }
    long[] stored = codes.codes;
    int words = codes.words;
    for (int from = table.begin(j, slot); from < end; from += BATCH) {
      int to = Math.min(end, from + BATCH);
      candidates += to - from;
      // first a branch-free pass over the batch, so that its cache misses overlap; the second
      // pass then finds the codes in cache
      for (int p = from; p < to; p++) {
        int base = docs[p] * words;
        int d;
        if (weights == null) {
          d = 0;
          for (int w = 0; w < words; w++) {
            d += Long.bitCount(query[w] ^ stored[base + w]);
          }
        } else {
          d = weights.distance(query, stored, base, Integer.MAX_VALUE);
        }
        distances[p - from] = d;
      }
      for (int p = from; p < to; p++) {
        int doc = docs[p];
        if (accept != null && !accept.get(doc)) {
          continue;
        }
        int base = doc * words;
        for (int w = 0; w < words; w++) {
          xor[w] = query[w] ^ stored[base + w];
        }
        if (seenBefore(j, r)) {
          continue;
        }
        top.offer(distances[p - from], doc);
        verified++;
      }
    }
  }

  /** {@link #probe} for codes of one word, read from the table next to their documents. */
  private void probeOneWord(int j, int r, int[] docs, long[] runCodes, int begin, int end) {
    long q = query[0];
    for (int p = begin; p < end; p++) {
      int doc = docs[p];
      candidates++;
      if (accept != null && !accept.get(doc)) {
        continue;
      }
      long x = q ^ runCodes[p];
      xor[0] = x;
      if (seenBefore(j, r)) {
        continue;
      }
      top.offer(
          weights == null
              ? Long.bitCount(x)
              : weights.distance(query, runCodes, p, Integer.MAX_VALUE),
          doc);
      verified++;
    }
  }

  /**
   * Whether a document whose code differs from the query by {@link #xor}, met in table j at radius
   * r, was already met by an earlier probe: that is, in a table j' < j at a radius up to r, or in a
   * table j' > j at a radius below r (probes run radius by radius, tables in order). A document
   * sits in one run per table, so this decides exactly, without a per-query seen set.
   */
  private boolean seenBefore(int j, int r) {
    for (int t = 0; t < m; t++) {
      if (t == j || (t > j && r == 0)) {
        continue;
      }
      int d =
          Long.bitCount(xor[maskWords[2 * t]] & masks[2 * t])
              + Long.bitCount(xor[maskWords[2 * t + 1]] & masks[2 * t + 1]);
      if (t < j ? d <= r : d < r) {
        return true;
      }
    }
    return false;
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
