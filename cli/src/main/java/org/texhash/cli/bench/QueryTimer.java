package org.texhash.cli.bench;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.IntFunction;

/**
 * Times one search method over all queries: untimed warm-up passes over all queries (JIT, page
 * cache, lazily built per-segment caches) until a minimum warm-up time has passed (at least one
 * pass), then one timed pass, one query at a time. Reports the median, which a busy shared machine
 * disturbs far less than the mean.
 */
final class QueryTimer {
  private static final int MAX_WARMUP_PASSES = 50;

  private QueryTimer() {}

  /** Per-query results of the timed pass and its latencies. */
  record Run(String method, int[][] results, double[] millis) {
    double medianMs() {
      double[] s = millis.clone();
      Arrays.sort(s);
      int m = s.length / 2;
      return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
    }

    double meanMs() {
      return Arrays.stream(millis).average().orElse(Double.NaN);
    }
  }

  static Run run(String method, int queries, double warmupSeconds, IntFunction<int[]> search, PrintWriter progress) {
    progress.printf(Locale.ROOT, "  %s: warming up (>= 1 pass over %d queries, >= %.1f s)%n", method, queries, warmupSeconds);
    progress.flush();
    long start = System.nanoTime();
    int passes = 0;
    do {
      for (int q = 0; q < queries; q++) {
        search.apply(q);
      }
      passes++;
    } while (System.nanoTime() - start < warmupSeconds * 1e9 && passes < MAX_WARMUP_PASSES);
    int[][] results = new int[queries][];
    double[] millis = new double[queries];
    for (int q = 0; q < queries; q++) {
      long t0 = System.nanoTime();
      results[q] = search.apply(q);
      millis[q] = (System.nanoTime() - t0) / 1e6;
    }
    Run run = new Run(method, results, millis);
    progress.printf(Locale.ROOT, "  %s: median %.4f ms/query%n", method, run.medianMs());
    progress.flush();
    return run;
  }
}
