package org.texhash.indexer.eval;

/**
 * Retrieval metrics of one query from its Hamming distance histograms: {@code all[d]} database
 * items at distance d and {@code relevant[d]} of them relevant (same class as the query).
 *
 * <p>A Hamming ranking has ties: every item at the same distance has the same score, and the order
 * within a tie group is arbitrary (Lucene breaks it by doc id, which depends on indexing order and
 * so is no property of the codes). Following McFee and Lanckriet ("Metric learning to rank", ICML
 * 2010; tie handling as in McSherry and Najork, ECIR 2008), the metrics here are the exact
 * expectation over a uniformly random order within each tie group, plus the pessimistic (relevant
 * items last within their group) and optimistic (first) bounds for AP.
 *
 * <p>Derivation of tie-aware AP. AP = (1/R) sum over relevant items i of prec(rank(i)), where
 * prec(n) is the fraction of relevant items among the first n. Take a tie group g with n items, r
 * of them relevant, preceded by N items of which Q are relevant. Its j-th position (1-based) holds
 * a relevant item with probability r/n; given that it does, the other j - 1 positions before it
 * hold (j - 1)(r - 1)/(n - 1) relevant items in expectation (sampling without replacement from the
 * n - 1 other items, r - 1 of them relevant). The rank N + j is fixed, so the expectation of the
 * precision there is exact:
 *
 * <pre>
 *   E[AP] = (1/R) sum_g sum_{j=1..n} (r/n) (Q + 1 + (j - 1)(r - 1)/(n - 1)) / (N + j)
 * </pre>
 *
 * (the (r - 1)/(n - 1) term is 0 when n = 1). AP is linear in the indicators of a relevant item at
 * each position and the numerator's expectation given one indicator is as above, so this is the
 * exact mean over all n! orders of every group, which the tests check by enumeration.
 *
 * <p>Conventions: a query with no relevant item in the database has AP 0 (the protocols never
 * produce one). Precision within a radius that retrieves nothing is 0, as in the DSDH code.
 */
public final class RankingMetrics {
  private RankingMetrics() {}

  /** Tie-aware (expected) average precision. */
  public static double averagePrecision(int[] all, int[] relevant) {
    check(all, relevant);
    long totalRelevant = sum(relevant);
    if (totalRelevant == 0) {
      return 0;
    }
    double ap = 0;
    long before = 0;
    long relevantBefore = 0;
    for (int d = 0; d < all.length; d++) {
      int n = all[d];
      int r = relevant[d];
      if (r > 0) {
        double within = n > 1 ? (double) (r - 1) / (n - 1) : 0;
        double group = 0;
        for (int j = 1; j <= n; j++) {
          group += (relevantBefore + 1 + (j - 1) * within) / (before + j);
        }
        ap += group * r / n;
      }
      before += n;
      relevantBefore += r;
    }
    return ap / totalRelevant;
  }

  /** AP when the relevant items come last within each tie group: a lower bound. */
  public static double pessimisticAveragePrecision(int[] all, int[] relevant) {
    return boundAveragePrecision(all, relevant, false);
  }

  /** AP when the relevant items come first within each tie group: an upper bound. */
  public static double optimisticAveragePrecision(int[] all, int[] relevant) {
    return boundAveragePrecision(all, relevant, true);
  }

  private static double boundAveragePrecision(int[] all, int[] relevant, boolean relevantFirst) {
    check(all, relevant);
    long totalRelevant = sum(relevant);
    if (totalRelevant == 0) {
      return 0;
    }
    double ap = 0;
    long before = 0;
    long relevantBefore = 0;
    for (int d = 0; d < all.length; d++) {
      int n = all[d];
      int r = relevant[d];
      long start =
          relevantFirst
              ? before
              : before + n - r; // items ranked before this group's first relevant
      for (int i = 1; i <= r; i++) {
        ap += (double) (relevantBefore + i) / (start + i);
      }
      before += n;
      relevantBefore += r;
    }
    return ap / totalRelevant;
  }

  /**
   * Expected precision among the top {@code t} (t >= 1) over random orders within ties; when fewer
   * than t items exist, the precision of all of them.
   */
  public static double precisionAtTop(int[] all, int[] relevant, int t) {
    check(all, relevant);
    if (t < 1) {
      throw new IllegalArgumentException("top T must be >= 1, got " + t);
    }
    long total = sum(all);
    long take = Math.min(t, total);
    if (take == 0) {
      return 0;
    }
    double hits = 0;
    long before = 0;
    for (int d = 0; d < all.length && before < take; d++) {
      int n = all[d];
      long used = Math.min(n, take - before);
      hits += n == 0 ? 0 : (double) relevant[d] * used / n;
      before += used;
    }
    return hits / take;
  }

  /** Precision of the items within Hamming distance {@code radius}; 0 when there are none. */
  public static double precisionWithin(int[] all, int[] relevant, int radius) {
    check(all, relevant);
    long n = 0;
    long r = 0;
    for (int d = 0; d <= radius && d < all.length; d++) {
      n += all[d];
      r += relevant[d];
    }
    return n == 0 ? 0 : (double) r / n;
  }

  /** Recall of the items within Hamming distance {@code radius}; 0 when nothing is relevant. */
  public static double recallWithin(int[] all, int[] relevant, int radius) {
    check(all, relevant);
    long total = sum(relevant);
    long r = 0;
    for (int d = 0; d <= radius && d < all.length; d++) {
      r += relevant[d];
    }
    return total == 0 ? 0 : (double) r / total;
  }

  private static void check(int[] all, int[] relevant) {
    if (all.length != relevant.length) {
      throw new IllegalArgumentException(
          "histograms differ in length: " + all.length + " vs " + relevant.length);
    }
    for (int d = 0; d < all.length; d++) {
      if (relevant[d] < 0 || relevant[d] > all[d]) {
        throw new IllegalArgumentException(
            "at distance " + d + ": relevant " + relevant[d] + " not within 0.." + all[d]);
      }
    }
  }

  private static long sum(int[] a) {
    long s = 0;
    for (int v : a) {
      s += v;
    }
    return s;
  }
}
