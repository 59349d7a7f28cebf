package org.texhash.cli.bench;

/**
 * Recall@k against the exact answer, tie-aware: a returned code counts when it is no farther than
 * the exact k-th nearest. Which of several codes at the k-th distance an index returns is
 * arbitrary, so counting ids would punish a correct answer.
 */
final class Recall {
  private Recall() {}

  /** Mean over queries of (returned codes within the exact k-th distance) / (exact list length). */
  static double atK(PackedCodes database, PackedCodes queries, int[][] exact, int[][] found) {
    double sum = 0;
    for (int q = 0; q < exact.length; q++) {
      if (exact[q].length == 0) {
        sum += 1;
        continue;
      }
      long[] query = queries.wordsOf(q);
      int kth = database.distance(exact[q][exact[q].length - 1], query);
      int hits = 0;
      for (int i = 0; i < Math.min(found[q].length, exact[q].length); i++) {
        if (database.distance(found[q][i], query) <= kth) {
          hits++;
        }
      }
      sum += (double) hits / exact[q].length;
    }
    return exact.length == 0 ? 1 : sum / exact.length;
  }
}
