package org.texhash.lucene;

import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.FixedBitSet;

/**
 * Exact top-k of one segment by scanning its cached codes. The loops only compute popcounts and
 * compare with the current k-th distance; presence and liveness are checked for the rare document
 * that would enter the top-k, so the loop runs at the speed of a raw {@code long[]} scan.
 */
final class HammingScan {
  private HammingScan() {}

  /**
   * The k best hits of the segment (segment doc ids), best first.
   *
   * @param liveDocs the segment's live docs, or null when nothing is deleted
   * @param accepted the documents a filter accepts (live ones only), or null for no filter
   */
  static HammingHits search(
      SegmentCodes codes, long[] query, int k, Bits liveDocs, FixedBitSet accepted) {
    TopHits top = new TopHits(k);
    if (accepted != null) {
      scanAccepted(codes, (doc, bound) -> codes.distance(doc, query), top, accepted);
    } else if (codes.words == 1) {
      scan1(codes, query[0], top, liveDocs);
    } else if (codes.words == 4) {
      scan4(codes, query, top, liveDocs);
    } else {
      scanN(codes, (doc, bound) -> codes.distance(doc, query), top, liveDocs);
    }
    return top.hits();
  }

  /** {@link #search} by the weighted distance of {@code weights} ({@link BitWeights}). */
  static HammingHits searchWeighted(
      SegmentCodes codes,
      long[] query,
      BitWeights weights,
      int k,
      Bits liveDocs,
      FixedBitSet accepted) {
    TopHits top = new TopHits(k);
    DocDistance distance =
        (doc, bound) -> weights.distance(query, codes.codes, doc * codes.words, bound);
    if (accepted != null) {
      scanAccepted(codes, distance, top, accepted);
    } else {
      scanN(codes, distance, top, liveDocs);
    }
    return top.hits();
  }

  /**
   * A document's distance to the query (documents without a code have all-zero words), exact when
   * below {@code bound}, else any value at least {@code bound}: the document cannot be a hit.
   */
  @FunctionalInterface
  private interface DocDistance {
    int of(int doc, int bound);
  }

  private static void scan1(SegmentCodes codes, long q, TopHits top, Bits liveDocs) {
    long[] c = codes.codes;
    int threshold = top.scanThreshold();
    for (int doc = 0; doc < codes.maxDoc; doc++) {
      int d = Long.bitCount(q ^ c[doc]);
      if (d < threshold && codes.has(doc) && (liveDocs == null || liveDocs.get(doc))) {
        top.offer(d, doc);
        threshold = top.scanThreshold();
      }
    }
  }

  private static void scan4(SegmentCodes codes, long[] q, TopHits top, Bits liveDocs) {
    long[] c = codes.codes;
    long q0 = q[0], q1 = q[1], q2 = q[2], q3 = q[3];
    int threshold = top.scanThreshold();
    for (int doc = 0, base = 0; doc < codes.maxDoc; doc++, base += 4) {
      int d =
          Long.bitCount(q0 ^ c[base])
              + Long.bitCount(q1 ^ c[base + 1])
              + Long.bitCount(q2 ^ c[base + 2])
              + Long.bitCount(q3 ^ c[base + 3]);
      if (d < threshold && codes.has(doc) && (liveDocs == null || liveDocs.get(doc))) {
        top.offer(d, doc);
        threshold = top.scanThreshold();
      }
    }
  }

  private static void scanN(SegmentCodes codes, DocDistance distance, TopHits top, Bits liveDocs) {
    int threshold = top.scanThreshold();
    for (int doc = 0; doc < codes.maxDoc; doc++) {
      int d = distance.of(doc, threshold);
      if (d < threshold && codes.has(doc) && (liveDocs == null || liveDocs.get(doc))) {
        top.offer(d, doc);
        threshold = top.scanThreshold();
      }
    }
  }

  private static void scanAccepted(
      SegmentCodes codes, DocDistance distance, TopHits top, FixedBitSet accepted) {
    int threshold = top.scanThreshold();
    int length = Math.min(accepted.length(), codes.maxDoc);
    if (length == 0) {
      return;
    }
    for (int doc = accepted.nextSetBit(0);
        doc != DocIdSetIterator.NO_MORE_DOCS;
        doc = doc + 1 < length ? accepted.nextSetBit(doc + 1) : DocIdSetIterator.NO_MORE_DOCS) {
      int d = distance.of(doc, threshold);
      if (d < threshold && codes.has(doc)) {
        top.offer(d, doc);
        threshold = top.scanThreshold();
      }
    }
  }
}
