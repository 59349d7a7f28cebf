package org.texhash.cli.bench;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;

/**
 * Times several search methods on the same queries, interleaved, so that all of them meet the same
 * machine: on a shared, busy machine the load changes from second to second, and timing one method
 * after another would turn that drift into a false ratio.
 *
 * <p>First each method is warmed up on its own (passes over all queries until a minimum time has
 * passed, at least one pass: JIT, page cache, lazily built per-segment caches). Then every timed
 * pass runs query q with every method in turn, starting with a different method for each query so
 * that no method always runs right after another. Each method's latency is the median over all
 * timed queries of all passes; the median shrugs off the spikes a busy machine adds.
 */
final class QueryTimer {
  private static final int MAX_WARMUP_PASSES = 50;

  private QueryTimer() {}

  /** A named search: query index in, result ids out. */
  record Method(String name, IntFunction<int[]> search) {}

  /** Per-query results of the last timed pass and all latencies. */
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

  static List<Run> run(
      List<Method> methods, int queries, double warmupSeconds, int passes, PrintWriter progress) {
    for (Method method : methods) {
      progress.printf(
          Locale.ROOT,
          "  %s: warming up (>= 1 pass over %d queries, >= %.1f s)%n",
          method.name(),
          queries,
          warmupSeconds);
      progress.flush();
      long start = System.nanoTime();
      int done = 0;
      do {
        for (int q = 0; q < queries; q++) {
          method.search().apply(q);
        }
        done++;
      } while (System.nanoTime() - start < warmupSeconds * 1e9 && done < MAX_WARMUP_PASSES);
    }
    int count = methods.size();
    int[][][] results = new int[count][queries][];
    double[][] millis = new double[count][passes * queries];
    for (int p = 0; p < passes; p++) {
      progress.printf(
          Locale.ROOT, "  timed pass %d of %d (methods interleaved per query)%n", p + 1, passes);
      progress.flush();
      for (int q = 0; q < queries; q++) {
        for (int i = 0; i < count; i++) {
          int mi = (q + i) % count;
          long t0 = System.nanoTime();
          results[mi][q] = methods.get(mi).search().apply(q);
          millis[mi][p * queries + q] = (System.nanoTime() - t0) / 1e6;
        }
      }
    }
    List<Run> runs = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      Run run = new Run(methods.get(i).name(), results[i], millis[i]);
      progress.printf(Locale.ROOT, "  %s: median %.4f ms/query%n", run.method(), run.medianMs());
      runs.add(run);
    }
    progress.flush();
    return runs;
  }
}
