package org.texhash.indexer.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RankingMetricsTest {
  private static final double EPS = 1e-12;

  @Test
  void handComputedCases() {
    // No ties: relevant at ranks 1 and 3 -> (1/1 + 2/3) / 2.
    int[] all = {1, 1, 1};
    int[] rel = {1, 0, 1};
    assertEquals((1.0 + 2.0 / 3) / 2, RankingMetrics.averagePrecision(all, rel), EPS);
    assertEquals((1.0 + 2.0 / 3) / 2, RankingMetrics.pessimisticAveragePrecision(all, rel), EPS);
    assertEquals((1.0 + 2.0 / 3) / 2, RankingMetrics.optimisticAveragePrecision(all, rel), EPS);

    // One tie of 2 holding 1 relevant item: rank 1 or 2 with equal chance -> (1 + 1/2) / 2.
    assertEquals(0.75, RankingMetrics.averagePrecision(new int[] {2}, new int[] {1}), EPS);

    // A relevant item alone at distance 0, then a tie of 3 holding 1 relevant item at ranks 2..4:
    // (1 + (2/2 + 2/3 + 2/4) / 3) / 2; pessimistic (1 + 2/4) / 2; optimistic (1 + 2/2) / 2.
    all = new int[] {1, 3};
    rel = new int[] {1, 1};
    assertEquals(
        (1 + (1.0 + 2.0 / 3 + 0.5) / 3) / 2, RankingMetrics.averagePrecision(all, rel), EPS);
    assertEquals((1 + 0.5) / 2, RankingMetrics.pessimisticAveragePrecision(all, rel), EPS);
    assertEquals(1.0, RankingMetrics.optimisticAveragePrecision(all, rel), EPS);

    // Everything tied, 2 of 4 relevant. Orders (6 equally likely placements of the relevant pair):
    // {1,2}:1  {1,3}:(1+2/3)/2  {1,4}:(1+1/2)/2  {2,3}:(1/2+2/3)/2  {2,4}:(1/2+1/2)/2
    // {3,4}:(1/3+1/2)/2
    double expected =
        (1
                + (1 + 2.0 / 3) / 2
                + (1 + 0.5) / 2
                + (0.5 + 2.0 / 3) / 2
                + (0.5 + 0.5) / 2
                + (1.0 / 3 + 0.5) / 2)
            / 6;
    assertEquals(
        expected, RankingMetrics.averagePrecision(new int[] {0, 4, 0}, new int[] {0, 2, 0}), EPS);

    // Nothing relevant: AP is defined as 0.
    assertEquals(0, RankingMetrics.averagePrecision(new int[] {3}, new int[] {0}), EPS);
  }

  @Test
  void tieAwareApIsTheMeanOverAllOrdersWithinTies() {
    Random rnd = new Random(11);
    for (int trial = 0; trial < 300; trial++) {
      int groups = 1 + rnd.nextInt(4);
      int[] all = new int[groups];
      int[] rel = new int[groups];
      int total = 0;
      for (int g = 0; g < groups; g++) {
        all[g] = rnd.nextInt(4);
        rel[g] = all[g] == 0 ? 0 : rnd.nextInt(all[g] + 1);
        total += all[g];
      }
      if (total == 0) {
        continue;
      }
      double[] stats = bruteForce(all, rel);
      double ap = RankingMetrics.averagePrecision(all, rel);
      assertEquals(stats[0], ap, 1e-12, "mean over orders");
      assertEquals(
          stats[1],
          RankingMetrics.pessimisticAveragePrecision(all, rel),
          1e-12,
          "minimum over orders");
      assertEquals(
          stats[2],
          RankingMetrics.optimisticAveragePrecision(all, rel),
          1e-12,
          "maximum over orders");
      for (int t = 1; t <= total + 1; t++) {
        assertEquals(
            bruteForcePrecisionAt(all, rel, t),
            RankingMetrics.precisionAtTop(all, rel, t),
            1e-12,
            "P@" + t);
      }
      assertTrue(stats[1] <= ap + 1e-12 && ap <= stats[2] + 1e-12);
    }
  }

  @Test
  void radiusPrecisionAndRecall() {
    int[] all = {1, 2, 3, 4};
    int[] rel = {1, 1, 1, 2};
    assertEquals(3.0 / 6, RankingMetrics.precisionWithin(all, rel, 2), EPS);
    assertEquals(3.0 / 5, RankingMetrics.recallWithin(all, rel, 2), EPS);
    assertEquals(
        0, RankingMetrics.precisionWithin(new int[] {0, 0, 0, 5}, new int[] {0, 0, 0, 5}, 2), EPS);
    assertEquals(
        0, RankingMetrics.recallWithin(new int[] {0, 0, 0, 5}, new int[] {0, 0, 0, 5}, 2), EPS);
    assertEquals(1, RankingMetrics.recallWithin(all, rel, 3), EPS);
  }

  @Test
  void inconsistentHistogramsAreRejected() {
    assertThrows(
        IllegalArgumentException.class,
        () -> RankingMetrics.averagePrecision(new int[] {1}, new int[] {2}));
    assertThrows(
        IllegalArgumentException.class,
        () -> RankingMetrics.averagePrecision(new int[] {1, 1}, new int[] {1}));
    assertThrows(
        IllegalArgumentException.class,
        () -> RankingMetrics.precisionAtTop(new int[] {1}, new int[] {1}, 0));
  }

  /** {mean, min, max} of AP over every order of every tie group, by enumeration. */
  private static double[] bruteForce(int[] all, int[] rel) {
    List<boolean[]> rankings = orders(all, rel);
    double sum = 0;
    double min = Double.MAX_VALUE;
    double max = -Double.MAX_VALUE;
    for (boolean[] r : rankings) {
      double ap = apOf(r);
      sum += ap;
      min = Math.min(min, ap);
      max = Math.max(max, ap);
    }
    return new double[] {sum / rankings.size(), min, max};
  }

  private static double bruteForcePrecisionAt(int[] all, int[] rel, int t) {
    List<boolean[]> rankings = orders(all, rel);
    double sum = 0;
    for (boolean[] r : rankings) {
      int take = Math.min(t, r.length);
      int hits = 0;
      for (int i = 0; i < take; i++) {
        hits += r[i] ? 1 : 0;
      }
      sum += take == 0 ? 0 : (double) hits / take;
    }
    return sum / rankings.size();
  }

  /** Every ranking: the cartesian product of all permutations of each group's items (as labels). */
  private static List<boolean[]> orders(int[] all, int[] rel) {
    List<boolean[]> acc = new ArrayList<>();
    acc.add(new boolean[0]);
    for (int g = 0; g < all.length; g++) {
      // items of the group are distinct (permutations of n distinct items, not of label patterns)
      List<int[]> perms = permutations(all[g]);
      List<boolean[]> next = new ArrayList<>();
      for (boolean[] prefix : acc) {
        for (int[] p : perms) {
          boolean[] r = java.util.Arrays.copyOf(prefix, prefix.length + p.length);
          for (int i = 0; i < p.length; i++) {
            r[prefix.length + i] = p[i] < rel[g]; // items 0..rel-1 are the relevant ones
          }
          next.add(r);
        }
      }
      acc = next;
    }
    return acc;
  }

  private static List<int[]> permutations(int n) {
    List<int[]> out = new ArrayList<>();
    permute(new int[n], new boolean[n], 0, out);
    return out;
  }

  private static void permute(int[] cur, boolean[] used, int pos, List<int[]> out) {
    if (pos == cur.length) {
      out.add(cur.clone());
      return;
    }
    for (int i = 0; i < cur.length; i++) {
      if (!used[i]) {
        used[i] = true;
        cur[pos] = i;
        permute(cur, used, pos + 1, out);
        used[i] = false;
      }
    }
  }

  private static double apOf(boolean[] ranking) {
    int total = 0;
    for (boolean b : ranking) {
      total += b ? 1 : 0;
    }
    if (total == 0) {
      return 0;
    }
    double ap = 0;
    int hits = 0;
    for (int i = 0; i < ranking.length; i++) {
      if (ranking[i]) {
        hits++;
        ap += (double) hits / (i + 1);
      }
    }
    return ap / total;
  }
}
