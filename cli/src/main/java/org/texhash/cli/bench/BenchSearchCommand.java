package org.texhash.cli.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnByteVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.texhash.cli.Json;
import org.texhash.cli.SharedOptions;
import org.texhash.lucene.BitWeights;
import org.texhash.lucene.HammingKnnQuery;
import org.texhash.lucene.HashCode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code texhash bench search}: exact Hamming top-k over synthetic codes, four ways, in one run on
 * the same codes and queries — a raw {@code long[]} popcount scan (the reference), the Lucene scan,
 * Lucene multi-index hashing, and Lucene HNSW over the code as a 0/1 byte vector — with the
 * latencies as medians and ratios against the raw scan. See docs/BENCHMARKS.md.
 */
@Command(
    name = "search",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Benchmarks exact Hamming top-k search: raw long[] scan, Lucene scan, Lucene multi-index"
          + " hashing (MIH), the Lucene scan by a weighted distance ('search --distance weighted';"
          + " 'weighted' with weights of one, so its hits must be the scan's, 'weighted*' with each"
          + " query's own weights from normal features) and Lucene HNSW (KnnByteVectorQuery), on"
          + " the same synthetic codes and queries.",
      "Progress goes to stderr; the result table (or --json) to stdout."
    })
public final class BenchSearchCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--n",
      description = "Database size (default: ${DEFAULT-VALUE}).",
      defaultValue = "1000000")
  int n;

  @Option(
      names = "--bits",
      description = "Code length K, a multiple of 8 (default: ${DEFAULT-VALUE}).",
      defaultValue = "64")
  int bits;

  @Option(
      names = "--k",
      description = "Neighbours per query (default: ${DEFAULT-VALUE}).",
      defaultValue = "10")
  int k;

  @Option(
      names = "--queries",
      description = "Number of queries (default: ${DEFAULT-VALUE}).",
      defaultValue = "200")
  int queries;

  @Option(names = "--uniform", description = "Uniform random codes instead of clustered ones.")
  boolean uniform;

  @Option(
      names = "--threads",
      description =
          "Search threads; segments are searched in parallel (default: ${DEFAULT-VALUE}).",
      defaultValue = "1")
  int threads;

  @Mixin SharedOptions.JsonFlag json;

  @Option(
      names = "--export",
      paramLabel = "FILE",
      description =
          "Write database, queries and the exact top-k (ids, distances) as a NumPy .npz for"
              + " bench/faiss_bench.py.")
  Path export;

  @Option(
      names = "--seed",
      description = "Generator seed (default: ${DEFAULT-VALUE}).",
      defaultValue = "42")
  long seed;

  @Option(
      names = "--centres",
      description = "Clustered codes: number of centres (default: ${DEFAULT-VALUE}).",
      defaultValue = "1000")
  int centres;

  @Option(
      names = "--flip",
      description =
          "Clustered codes: probability that a bit differs from its centre (default:"
              + " ${DEFAULT-VALUE}).",
      defaultValue = "0.05")
  double flip;

  @Option(
      names = "--mih-substrings",
      paramLabel = "M",
      description = "MIH substrings m (default: K/16, i.e. 16-bit substrings).")
  Integer mihSubstrings;

  @Option(
      names = "--sorted",
      description =
          "Index the database sorted by code value (as an index sort on the code would), so that"
              + " codes sharing a prefix get neighbouring ids.")
  boolean sorted;

  @Option(
      names = "--segments",
      description = "Force-merge each index to this many segments (default: ${DEFAULT-VALUE}).",
      defaultValue = "1")
  int segments;

  @Option(
      names = "--hnsw-max-n",
      paramLabel = "N",
      description =
          "Skip HNSW above this database size; 0 skips it always (default: ${DEFAULT-VALUE}).",
      defaultValue = "100000")
  int hnswMaxN;

  @Option(
      names = "--passes",
      description =
          "Timed passes over all queries, methods interleaved per query (default:"
              + " ${DEFAULT-VALUE}).",
      defaultValue = "3")
  int passes;

  @Option(
      names = "--warmup-seconds",
      paramLabel = "S",
      description =
          "Minimum warm-up per method, in passes over all queries (default: ${DEFAULT-VALUE}).",
      defaultValue = "2")
  double warmupSeconds;

  @Override
  public Integer call() throws Exception {
    validate();
    PrintWriter err = spec.commandLine().getErr();
    int m = mihSubstrings != null ? mihSubstrings : Math.max(1, bits / 16);
    CodeGenerator generator =
        uniform
            ? new CodeGenerator(bits, true, 0, 0, seed)
            : new CodeGenerator(bits, false, centres, flip, seed);

    err.printf(
        Locale.ROOT,
        "bench search: %s; n=%,d, queries=%d, k=%d, threads=%d%n",
        generator.describe(),
        n,
        queries,
        k,
        threads);
    long t0 = System.nanoTime();
    PackedCodes database = sorted ? generator.database(n).sortedByValue() : generator.database(n);
    PackedCodes queryCodes = generator.queries(queries);
    err.printf(Locale.ROOT, "  generated in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    err.flush();

    ExecutorService executor = threads > 1 ? Executors.newFixedThreadPool(threads) : null;
    BenchIndex index = null;
    BenchIndex hnsw = null;
    try {
      Results r = new Results();
      // The exact answer, untimed: what every method is checked against and what --export writes.
      int[][] exact = exactTopK(database, queryCodes);
      if (export != null) {
        exportCodes(database, queryCodes, exact, err);
      }
      err.printf(
          Locale.ROOT,
          "  building the code index (doc values + %d MIH substrings of ~%d bits)%n",
          m,
          bits / m);
      index = BenchIndex.hashCodes(database, m, segments, err);
      r.indexSeconds = index.buildSeconds;
      r.indexBytes = index.sizeOnDiskBytes();
      r.segments = index.segments();
      List<QueryTimer.Method> methods =
          codeMethods(database, queryCodes, index.searcher(executor), executor);
      if (n <= hnswMaxN) {
        err.printf(
            Locale.ROOT, "  building the HNSW index (%d-dim 0/1 byte vectors, EUCLIDEAN)%n", bits);
        hnsw = BenchIndex.hnsw(database, segments, err);
        r.hnswBuildSeconds = hnsw.buildSeconds;
        methods.add(hnswMethod(queryCodes, hnsw.searcher(executor)));
      } else {
        r.hnswNote =
            String.format(Locale.ROOT, "HNSW skipped: n = %d > --hnsw-max-n = %d", n, hnswMaxN);
        err.println("  " + r.hnswNote);
      }

      List<QueryTimer.Run> runs = QueryTimer.run(methods, queries, warmupSeconds, passes, err);
      r.exact = exact;
      r.raw = runs.get(0);
      r.scan = runs.get(1);
      r.mih = runs.get(2);
      r.weighted = runs.get(3);
      r.weightedOwn = runs.get(4);
      if (runs.size() > 5) {
        r.hnsw = runs.get(5);
        r.hnswRecall = Recall.atK(database, queryCodes, exact, r.hnsw.results());
      }
      PrintWriter out = spec.commandLine().getOut();
      out.println(json.on ? Json.PRETTY.toJson(r.toMap(this, m, generator)) : r.table(this, m));
      out.flush();
      return ExitCode.OK;
    } finally {
      if (executor != null) {
        executor.shutdownNow();
      }
      if (index != null) {
        index.close();
      }
      if (hnsw != null) {
        hnsw.close();
      }
    }
  }

  private int[][] exactTopK(PackedCodes database, PackedCodes queryCodes) {
    int[][] exact = new int[queries][];
    for (int q = 0; q < queries; q++) {
      exact[q] = RawScan.topK(database, queryCodes.wordsOf(q), k);
    }
    return exact;
  }

  /** The methods over the codes, in the order {@link Results} reads them. */
  private List<QueryTimer.Method> codeMethods(
      PackedCodes database,
      PackedCodes queryCodes,
      IndexSearcher codeSearcher,
      ExecutorService executor) {
    HashCode[] queryHashes = new HashCode[queries];
    for (int q = 0; q < queries; q++) {
      queryHashes[q] = queryCodes.code(q);
    }
    List<QueryTimer.Method> methods = new ArrayList<>();
    methods.add(
        new QueryTimer.Method(
            "raw long[] scan", q -> rawScan(database, queryCodes.wordsOf(q), executor)));
    methods.add(
        new QueryTimer.Method(
            "lucene scan",
            q -> search(codeSearcher, knn(queryHashes[q], HammingKnnQuery.Strategy.SCAN))));
    methods.add(
        new QueryTimer.Method(
            "lucene MIH",
            q -> search(codeSearcher, knn(queryHashes[q], HammingKnnQuery.Strategy.MULTI_INDEX))));
    // weighted queries as 'texhash search' runs them (AUTO: multi-index hashing, or the scan when
    // probing would cost more); weights of one rank as the Hamming distance, so their hits must
    // be the scan's; a query's own weights (|feature| of a normal feature per bit here) rank
    // otherwise and bound less
    BitWeights unit = unitWeights(bits);
    methods.add(
        new QueryTimer.Method(
            "lucene weighted",
            q ->
                search(
                    codeSearcher,
                    knn(queryHashes[q], HammingKnnQuery.Strategy.AUTO).withBitWeights(unit))));
    BitWeights[] ownWeights = featureWeights(queries, bits, seed);
    methods.add(
        new QueryTimer.Method(
            "lucene weighted*",
            q ->
                search(
                    codeSearcher,
                    knn(queryHashes[q], HammingKnnQuery.Strategy.AUTO)
                        .withBitWeights(ownWeights[q]))));
    return methods;
  }

  private QueryTimer.Method hnswMethod(PackedCodes queryCodes, IndexSearcher hnswSearcher) {
    byte[][] vectors = new byte[queries][];
    for (int q = 0; q < queries; q++) {
      vectors[q] = queryCodes.bitVectorOf(q);
    }
    return new QueryTimer.Method(
        "lucene HNSW",
        q -> search(hnswSearcher, new KnnByteVectorQuery(BenchIndex.VECTOR_FIELD, vectors[q], k)));
  }

  private void validate() {
    HashCode.checkBits(bits);
    require(n >= 1, "--n must be >= 1, got " + n);
    require(k >= 1, "--k must be >= 1, got " + k);
    require(queries >= 1, "--queries must be >= 1, got " + queries);
    require(threads >= 1, "--threads must be >= 1, got " + threads);
    require(segments >= 1, "--segments must be >= 1, got " + segments);
    require(hnswMaxN >= 0, "--hnsw-max-n must be >= 0, got " + hnswMaxN);
    require(passes >= 1, "--passes must be >= 1, got " + passes);
    require(warmupSeconds >= 0, "--warmup-seconds must be >= 0, got " + warmupSeconds);
    require(
        mihSubstrings == null || (mihSubstrings >= 1 && mihSubstrings <= bits),
        "--mih-substrings must be between 1 and --bits (" + bits + "), got " + mihSubstrings);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  private HammingKnnQuery knn(HashCode code, HammingKnnQuery.Strategy strategy) {
    return new HammingKnnQuery(BenchIndex.CODE_FIELD, code, k).withStrategy(strategy);
  }

  /** Each query's weights from features drawn from a normal distribution, as an encoder's are. */
  private static BitWeights[] featureWeights(int queries, int bits, long seed) {
    java.util.Random random = new java.util.Random(seed ^ 0x3e1697L);
    BitWeights[] out = new BitWeights[queries];
    for (int q = 0; q < queries; q++) {
      float[] features = new float[bits];
      for (int i = 0; i < bits; i++) {
        features[i] = (float) random.nextGaussian();
      }
      out[q] = BitWeights.fromFeatures(features);
    }
    return out;
  }

  private static BitWeights unitWeights(int bits) {
    int[] ones = new int[bits];
    Arrays.fill(ones, 1);
    return BitWeights.of(ones);
  }

  private int[] search(IndexSearcher searcher, Query query) {
    try {
      TopDocs top = searcher.search(query, k);
      return Arrays.stream(top.scoreDocs).mapToInt((ScoreDoc sd) -> sd.doc).toArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The raw scan, split into one contiguous id range per thread when there are several. */
  private int[] rawScan(PackedCodes database, long[] query, ExecutorService executor) {
    if (executor == null) {
      return RawScan.topK(database, query, k);
    }
    List<Future<long[]>> parts = new ArrayList<>();
    int size = database.size();
    for (int t = 0; t < threads; t++) {
      int from = (int) ((long) size * t / threads);
      int to = (int) ((long) size * (t + 1) / threads);
      parts.add(executor.submit(() -> RawScan.topKPacked(database, query, k, from, to)));
    }
    long[][] packed = new long[threads][];
    try {
      for (int t = 0; t < threads; t++) {
        packed[t] = parts.get(t).get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
    return RawScan.ids(RawScan.merge(packed, k));
  }

  private void exportCodes(
      PackedCodes database, PackedCodes queryCodes, int[][] exactIds, PrintWriter err)
      throws IOException {
    int cols = Math.min(k, n);
    int[][] exactDistances = new int[exactIds.length][];
    for (int q = 0; q < exactIds.length; q++) {
      long[] query = queryCodes.wordsOf(q);
      exactDistances[q] =
          Arrays.stream(exactIds[q]).map(id -> database.distance(id, query)).toArray();
    }
    new NpzWriter()
        .add("database", NpzWriter.codeBytes(database))
        .add("queries", NpzWriter.codeBytes(queryCodes))
        .add("exact_ids", NpzWriter.int32(exactIds, cols))
        .add("exact_distances", NpzWriter.int32(exactDistances, cols))
        .write(export);
    err.printf(Locale.ROOT, "  exported codes, queries and exact top-%d to %s%n", cols, export);
    err.flush();
  }

  /** What one run measured. */
  private static final class Results {
    int[][] exact;
    QueryTimer.Run raw;
    QueryTimer.Run scan;
    QueryTimer.Run mih;
    QueryTimer.Run weighted;
    QueryTimer.Run weightedOwn;
    QueryTimer.Run hnsw;
    Double hnswRecall;
    String hnswNote;
    double indexSeconds;
    long indexBytes;
    int segments;
    Double hnswBuildSeconds;

    static boolean identical(int[][] a, int[][] b) {
      return Arrays.deepEquals(a, b);
    }

    Map<String, Object> toMap(BenchSearchCommand c, int m, CodeGenerator generator) {
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("n", c.n);
      j.put("bits", c.bits);
      j.put("k", c.k);
      j.put("queries", c.queries);
      j.put("raw_ms", ms(raw.medianMs()));
      j.put("scan_ms", ms(scan.medianMs()));
      j.put("mih_ms", ms(mih.medianMs()));
      j.put("weighted_ms", ms(weighted.medianMs()));
      j.put("weighted_own_ms", ms(weightedOwn.medianMs()));
      j.put("hnsw_ms", hnsw == null ? null : ms(hnsw.medianMs()));
      j.put("hnsw_recall", hnswRecall == null ? null : Math.round(hnswRecall * 1e4) / 1e4);
      j.put("mih_identical", identical(mih.results(), scan.results()));
      j.put("weighted_identical_to_scan", identical(weighted.results(), scan.results()));
      j.put("scan_identical_to_raw", identical(scan.results(), raw.results()));
      j.put("raw_exact", identical(raw.results(), exact));
      j.put("scan_vs_raw", ratio(scan.medianMs(), raw.medianMs()));
      j.put("raw_vs_mih", ratio(raw.medianMs(), mih.medianMs()));
      j.put("weighted_vs_scan", ratio(weighted.medianMs(), scan.medianMs()));
      j.put("weighted_own_vs_scan", ratio(weightedOwn.medianMs(), scan.medianMs()));
      j.put("raw_vs_hnsw", hnsw == null ? null : ratio(raw.medianMs(), hnsw.medianMs()));
      j.put("raw_mean_ms", ms(raw.meanMs()));
      j.put("scan_mean_ms", ms(scan.meanMs()));
      j.put("mih_mean_ms", ms(mih.meanMs()));
      j.put("weighted_mean_ms", ms(weighted.meanMs()));
      j.put("weighted_own_mean_ms", ms(weightedOwn.meanMs()));
      j.put("hnsw_mean_ms", hnsw == null ? null : ms(hnsw.meanMs()));
      j.put("uniform", c.uniform);
      j.put("sorted", c.sorted);
      j.put("generator", generator.describe());
      j.put("mih_substrings", m);
      j.put("segments", segments);
      j.put("threads", c.threads);
      j.put("warmup_seconds", c.warmupSeconds);
      j.put("timed_passes", c.passes);
      j.put("index_seconds", Math.round(indexSeconds * 10) / 10.0);
      j.put("index_bytes", indexBytes);
      j.put(
          "hnsw_build_seconds",
          hnswBuildSeconds == null ? null : Math.round(hnswBuildSeconds * 10) / 10.0);
      j.put("hnsw_note", hnswNote);
      j.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
      j.put("cpus", Runtime.getRuntime().availableProcessors());
      j.put("max_heap_mb", Runtime.getRuntime().maxMemory() >> 20);
      return j;
    }

    String table(BenchSearchCommand c, int m) {
      StringBuilder s = new StringBuilder();
      s.append(
          String.format(
              Locale.ROOT,
              "n=%,d bits=%d k=%d queries=%d %s%s, MIH m=%d, %d segment(s), %d thread(s)%n",
              c.n,
              c.bits,
              c.k,
              c.queries,
              c.uniform ? "uniform" : "clustered",
              c.sorted ? " sorted" : "",
              m,
              segments,
              c.threads));
      s.append(
          String.format(
              Locale.ROOT,
              "%-18s %14s %10s %10s%n",
              "method",
              "median ms/q",
              "vs raw",
              "recall@k"));
      row(s, "raw long[] scan", raw, identical(raw.results(), exact) ? "exact" : "NOT EXACT");
      row(s, "lucene scan", scan, identical(scan.results(), raw.results()) ? "= raw" : "DIFFERS");
      row(s, "lucene MIH", mih, identical(mih.results(), scan.results()) ? "= scan" : "DIFFERS");
      row(
          s,
          "lucene weighted",
          weighted,
          identical(weighted.results(), scan.results()) ? "= scan" : "DIFFERS");
      row(s, "lucene weighted*", weightedOwn, "-");
      if (hnsw != null) {
        row(s, "lucene HNSW", hnsw, String.format(Locale.ROOT, "%.4f", hnswRecall));
      } else {
        s.append(hnswNote).append('\n');
      }
      s.append(
          String.format(
              Locale.ROOT,
              "index: %.1f s, %,d bytes%s%n",
              indexSeconds,
              indexBytes,
              hnswBuildSeconds == null
                  ? ""
                  : String.format(Locale.ROOT, "; HNSW index: %.1f s", hnswBuildSeconds)));
      return s.toString().stripTrailing();
    }

    private void row(StringBuilder s, String name, QueryTimer.Run run, String recall) {
      s.append(
          String.format(
              Locale.ROOT,
              "%-18s %14.4f %9.2fx %10s%n",
              name,
              run.medianMs(),
              run.medianMs() / raw.medianMs(),
              recall));
    }

    private static double ms(double v) {
      return Math.round(v * 1e5) / 1e5;
    }

    private static double ratio(double a, double b) {
      return Math.round(a / b * 1000) / 1000.0;
    }
  }
}
