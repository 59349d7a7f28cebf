package org.texhash.indexer.eval;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.SimpleCollector;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.texhash.indexer.dataset.DatasetSplit;
import org.texhash.indexer.dataset.Manifest;
import org.texhash.indexer.dataset.PatchSampler;
import org.texhash.indexer.dataset.PatchSpec;
import org.texhash.indexer.dataset.QueryTransform;
import org.texhash.indexer.encoder.Encoder;
import org.texhash.indexer.encoder.ImageCodes;
import org.texhash.indexer.io.Folders;
import org.texhash.indexer.search.QueryDistance;
import org.texhash.lucene.BitWeights;
import org.texhash.lucene.HammingDistances;
import org.texhash.lucene.HammingHit;
import org.texhash.lucene.HammingKnnQuery;
import org.texhash.lucene.HammingRadiusQuery;
import org.texhash.lucene.HashCode;
import org.texhash.lucene.HashCodeField;
import org.texhash.lucene.MultiIndexHashing;

/**
 * Runs one encoder over the patches of a manifest through the real search path: database patches
 * are encoded and indexed with {@link HashCodeField} (doc values plus multi-index hashing
 * substrings) in a temporary Lucene index merged to one segment; each query patch is encoded on its
 * own and searched with {@link HammingKnnQuery}. With a manifest of {@link Manifest.Unit#REGION
 * regions}, each database and query item is a whole region hashed as {@code texhash index} hashes
 * an image ({@link ImageCodes}), so the metrics are those of a user's image search.
 *
 * <p>The metrics come from the full ranking: a {@link HammingRadiusQuery} at radius K (every
 * document) whose hits are counted by distance, each distance read back from Lucene's score; each
 * ranking's distance histogram is also checked against a brute-force popcount over the database
 * codes, so a wrong search path fails the run instead of skewing the numbers. With {@link
 * QueryDistance#WEIGHTED} the ranking metrics come from a top-n weighted {@link HammingKnnQuery}
 * (the query's bit weights from its own features), checked against a brute-force weighted distance
 * the same way; the radius metrics stay those of the Hamming balls.
 *
 * <p>Times (wall clock, one thread, after {@link #WARMUP_QUERIES} untimed queries): {@code search}
 * = a top-{@code searchK} query, {@code total} = encoding the query patch + that search, {@code
 * ranking} = the radius-K query with its histogram collection. They are only meaningful as ratios
 * on the same machine in the same run.
 */
public final class Evaluator {
  public static final String FIELD = "code";
  public static final List<Integer> DEFAULT_TOP_T = List.of(1, 5, 10, 20, 50, 100, 200, 500, 1000);
  public static final int DEFAULT_SEARCH_K = 100;
  public static final int WARMUP_QUERIES = 10;
  private static final int BATCH = 128;
  private static final long PROGRESS_EVERY_NANOS = 5_000_000_000L;

  /**
   * Options of a run. {@code mihSubstrings} 0 means {@link
   * MultiIndexHashing#recommendedSubstrings}.
   */
  public record Options(
      List<Integer> topT, int searchK, int mihSubstrings, QueryDistance distance) {
    public Options {
      java.util.Objects.requireNonNull(distance, "distance");
      topT = List.copyOf(topT);
      if (topT.isEmpty() || topT.stream().anyMatch(t -> t < 1)) {
        throw new IllegalArgumentException(
            "top-T list must be non-empty and every T >= 1, got " + topT);
      }
      if (searchK < 1) {
        throw new IllegalArgumentException("search k must be >= 1, got " + searchK);
      }
      if (mihSubstrings < 0) {
        throw new IllegalArgumentException(
            "MIH substrings must be >= 0 (0 = recommended), got " + mihSubstrings);
      }
    }

    /** Options ranking by the Hamming distance. */
    public Options(List<Integer> topT, int searchK, int mihSubstrings) {
      this(topT, searchK, mihSubstrings, QueryDistance.HAMMING);
    }

    public static Options defaults() {
      return new Options(DEFAULT_TOP_T, DEFAULT_SEARCH_K, 0);
    }
  }

  private final DatasetSplit split;
  private final Manifest manifest;
  private final Options options;
  private final PrintStream progress;

  public Evaluator(DatasetSplit split, Manifest manifest, Options options, PrintStream progress) {
    this.split = split;
    this.manifest = manifest;
    this.options = options;
    this.progress = progress;
  }

  /** Evaluates {@code encoder}; {@code fitSeconds} is reported as given (time spent fitting it). */
  public EvalResult evaluate(Encoder encoder, double fitSeconds) throws IOException {
    return evaluate(encoder, fitSeconds, List.of(QueryTransform.IDENTITY)).get(0);
  }

  /**
   * Evaluates {@code encoder} once per query transform, over one index of the untouched database
   * patches: one result per transform, in order.
   */
  public List<EvalResult> evaluate(
      Encoder encoder, double fitSeconds, List<QueryTransform> transforms) throws IOException {
    if (transforms.isEmpty()) {
      throw new IllegalArgumentException("at least one query transform is needed (identity: none)");
    }
    List<PatchSpec> db = manifest.patches(PatchSpec.Role.DATABASE);
    List<PatchSpec> queries = manifest.patches(PatchSpec.Role.QUERY);
    if (db.isEmpty() || queries.isEmpty()) {
      throw new IllegalArgumentException(
          "manifest has "
              + db.size()
              + " database and "
              + queries.size()
              + " query patches; both must be > 0");
    }
    int bits = encoder.bits();
    HashCode[] dbCodes = encodeDatabase(encoder, db);
    Path dir = Files.createTempDirectory("texhash-eval-");
    try (Directory directory = FSDirectory.open(dir)) {
      int m =
          options.mihSubstrings() > 0
              ? options.mihSubstrings()
              : MultiIndexHashing.recommendedSubstrings(bits, db.size());
      writeIndex(directory, db, dbCodes, m);
      try (DirectoryReader reader = DirectoryReader.open(directory)) {
        IndexSearcher searcher = new IndexSearcher(reader);
        int[] docLabels = labels(reader);
        List<EvalResult> results = new ArrayList<>();
        for (QueryTransform t : transforms) {
          results.add(search(encoder, searcher, docLabels, dbCodes, db, queries, fitSeconds, t));
        }
        return results;
      }
    } finally {
      deleteTree(dir);
    }
  }

  private HashCode[] encodeDatabase(Encoder encoder, List<PatchSpec> db) {
    HashCode[] codes = new HashCode[db.size()];
    long lastReport = System.nanoTime();
    for (int from = 0; from < db.size(); from += BATCH) {
      int to = Math.min(db.size(), from + BATCH);
      List<HashCode> batch =
          encode(encoder, pixels(encoder, db.subList(from, to), QueryTransform.IDENTITY));
      for (int i = 0; i < batch.size(); i++) {
        HashCode c = batch.get(i);
        if (c.bits() != encoder.bits()) {
          throw new IllegalStateException(
              encoder.id() + " returned a " + c.bits() + "-bit code, declared " + encoder.bits());
        }
        codes[from + i] = c;
      }
      if (System.nanoTime() - lastReport > PROGRESS_EVERY_NANOS || to == db.size()) {
        lastReport = System.nanoTime();
        log("%s: encoded %d/%d database %s", encoder.id(), to, db.size(), manifest.unit().plural());
      }
    }
    return codes;
  }

  /** The pixels of manifest rows: S x S patches, or whole regions at their own size. */
  private List<BufferedImage> pixels(Encoder encoder, List<PatchSpec> rows, QueryTransform t) {
    if (manifest.unit() == Manifest.Unit.PATCH) {
      return PatchSampler.crop(split, rows, encoder.inputSize(), t);
    }
    List<BufferedImage> out = new ArrayList<>(rows.size());
    for (PatchSpec row : rows) {
      out.add(PatchSampler.crop(split, List.of(row), row.size(), t).get(0));
    }
    return out;
  }

  /**
   * Pre-sign features of {@link #pixels}, whose signs are their codes: a patch's as it is, a
   * region's pooled as {@code texhash index} hashes an image.
   */
  private List<float[]> features(Encoder encoder, List<BufferedImage> pixels) {
    if (manifest.unit() == Manifest.Unit.PATCH) {
      return List.of(encoder.features(pixels));
    }
    List<float[]> out = new ArrayList<>(pixels.size());
    for (BufferedImage region : pixels) {
      out.add(ImageCodes.features(encoder, region));
    }
    return out;
  }

  /**
   * Codes of {@link #pixels}: a patch is encoded as it is, a region hashed as {@code texhash index}
   * hashes an image.
   */
  private List<HashCode> encode(Encoder encoder, List<BufferedImage> pixels) {
    if (manifest.unit() == Manifest.Unit.PATCH) {
      return encoder.encode(pixels);
    }
    List<HashCode> out = new ArrayList<>(pixels.size());
    for (BufferedImage region : pixels) {
      out.add(ImageCodes.code(encoder, region));
    }
    return out;
  }

  private static void writeIndex(Directory directory, List<PatchSpec> db, HashCode[] codes, int m)
      throws IOException {
    try (IndexWriter w =
        new IndexWriter(directory, new IndexWriterConfig().setRAMBufferSizeMB(64))) {
      for (int i = 0; i < codes.length; i++) {
        Document doc = new Document();
        HashCodeField.addTo(doc, FIELD, codes[i], m);
        doc.add(new NumericDocValuesField("label", db.get(i).label()));
        w.addDocument(doc);
      }
      w.forceMerge(1);
      w.commit();
    }
  }

  /** Doc id -> class label, read from the index (never assumed from insertion order). */
  private static int[] labels(DirectoryReader reader) throws IOException {
    int[] labels = new int[reader.maxDoc()];
    for (LeafReaderContext leaf : reader.leaves()) {
      NumericDocValues dv = leaf.reader().getNumericDocValues("label");
      for (int doc = dv.nextDoc(); doc != NumericDocValues.NO_MORE_DOCS; doc = dv.nextDoc()) {
        labels[leaf.docBase + doc] = (int) dv.longValue();
      }
    }
    return labels;
  }

  private EvalResult search(
      Encoder encoder,
      IndexSearcher searcher,
      int[] docLabels,
      HashCode[] dbCodes,
      List<PatchSpec> db,
      List<PatchSpec> queries,
      double fitSeconds,
      QueryTransform transform)
      throws IOException {
    int bits = encoder.bits();
    int n = dbCodes.length;
    List<Integer> topT = options.topT().stream().filter(t -> t <= n).distinct().sorted().toList();
    if (topT.isEmpty()) {
      topT = List.of(n);
    }
    double apSum = 0;
    Map<String, double[]> classSums = new LinkedHashMap<>(); // class -> {AP sum, queries}
    double pessimisticSum = 0;
    double optimisticSum = 0;
    double[] topSum = new double[topT.size()];
    double[] precisionByRadius = new double[bits + 1];
    double[] recallByRadius = new double[bits + 1];
    long searchNanos = 0;
    long encodeNanos = 0;
    long rankingNanos = 0;
    int timed = 0;
    int k = Math.min(options.searchK(), n);
    long lastReport = System.nanoTime();
    int warmup = Math.min(WARMUP_QUERIES, queries.size());
    for (int qi = -warmup; qi < queries.size(); qi++) {
      PatchSpec q = queries.get(Math.floorMod(qi, queries.size()));
      List<BufferedImage> pixels = pixels(encoder, List.of(q), transform);
      long t0 = System.nanoTime();
      float[] features = features(encoder, pixels).get(0);
      HashCode code = HashCode.fromSigns(features);
      long t1 = System.nanoTime();
      HammingKnnQuery topK = options.distance().query(FIELD, features, k, null);
      BitWeights weights = topK.getBitWeights(); // null for the Hamming distance
      TopDocs top = searcher.search(topK, k);
      long t2 = System.nanoTime();
      int[] all = new int[bits + 1];
      int[] relevant = new int[bits + 1];
      HistogramCollector ranking =
          new HistogramCollector(code, docLabels, q.label(), all, relevant);
      searcher.search(new HammingRadiusQuery(FIELD, code, bits), ranking);
      int[][] weighted =
          weights == null
              ? null
              : weightedRanking(searcher, code, weights, docLabels, q.label(), n);
      long t3 = System.nanoTime();
      if (top.scoreDocs.length != k) {
        throw new IllegalStateException(
            "top-" + k + " search returned " + top.scoreDocs.length + " hits");
      }
      if (qi < 0) {
        continue; // warm-up: JIT, caches
      }
      encodeNanos += t1 - t0;
      searchNanos += t2 - t1;
      rankingNanos += t3 - t2;
      timed++;

      checkAgainstBruteForce(
          code, i -> code.distance(dbCodes[i]), db, q.label(), all, relevant, ranking.hits);
      // the radius metrics are of Hamming balls, what a radius search returns; the ranking
      // metrics are of the distance the top-k query ranks by
      int[] rankedAll = all;
      int[] rankedRelevant = relevant;
      if (weighted != null) {
        rankedAll = weighted[0];
        rankedRelevant = weighted[1];
        checkAgainstBruteForce(
            code,
            i -> weights.distance(code, dbCodes[i]),
            db,
            q.label(),
            rankedAll,
            rankedRelevant,
            n);
      }
      double ap = RankingMetrics.averagePrecision(rankedAll, rankedRelevant);
      apSum += ap;
      double[] classSum = classSums.computeIfAbsent(q.className(), c -> new double[2]);
      classSum[0] += ap;
      classSum[1]++;
      pessimisticSum += RankingMetrics.pessimisticAveragePrecision(rankedAll, rankedRelevant);
      optimisticSum += RankingMetrics.optimisticAveragePrecision(rankedAll, rankedRelevant);
      for (int i = 0; i < topT.size(); i++) {
        topSum[i] += RankingMetrics.precisionAtTop(rankedAll, rankedRelevant, topT.get(i));
      }
      cumulativePrecisionRecall(all, relevant, precisionByRadius, recallByRadius);
      if (System.nanoTime() - lastReport > PROGRESS_EVERY_NANOS || qi == queries.size() - 1) {
        lastReport = System.nanoTime();
        log(
            "%s%s: searched %d/%d queries, MAP so far %.4f",
            encoder.id(), suffix(transform), qi + 1, queries.size(), apSum / (qi + 1));
      }
    }
    int nq = queries.size();
    Map<Integer, Double> precisionAtTop = new LinkedHashMap<>();
    for (int i = 0; i < topT.size(); i++) {
      precisionAtTop.put(topT.get(i), topSum[i] / nq);
    }
    for (int r = 0; r <= bits; r++) {
      precisionByRadius[r] /= nq;
      recallByRadius[r] /= nq;
    }
    int classes = (int) queries.stream().mapToInt(PatchSpec::label).distinct().count();
    List<EvalResult.ClassAp> byClass = new ArrayList<>();
    classSums.forEach(
        (c, sum) -> byClass.add(new EvalResult.ClassAp(c, (int) sum[1], sum[0] / sum[1])));
    double ms = 1e-6 / timed;
    return new EvalResult(
        encoder.id(),
        bits,
        manifest.protocol(),
        classes,
        nq,
        n,
        apSum / nq,
        pessimisticSum / nq,
        optimisticSum / nq,
        precisionAtTop,
        precisionByRadius[Math.min(2, bits)],
        recallByRadius[Math.min(2, bits)],
        precisionByRadius,
        recallByRadius,
        k,
        searchNanos * ms,
        (searchNanos + encodeNanos) * ms,
        rankingNanos * ms,
        encodeNanos * ms,
        fitSeconds,
        manifest.seed(),
        manifest.patchSize(),
        transform.toString(),
        manifest.unit().tag(),
        options.distance().id(),
        byClass);
  }

  private static String suffix(QueryTransform t) {
    return t.kind() == QueryTransform.Kind.IDENTITY ? "" : " [" + t + "]";
  }

  /**
   * Collects a radius-K query (every document with a code) into distance histograms: the full
   * Hamming ranking without sorting it, each distance read from the segment's codes.
   */
  private static final class HistogramCollector extends SimpleCollector {
    private final int[] docLabels;
    private final int label;
    private final int[] all;
    private final int[] relevant;
    private final HashCode code;
    private HammingDistances distances;
    private int docBase;
    int hits;

    HistogramCollector(HashCode code, int[] docLabels, int label, int[] all, int[] relevant) {
      this.code = code;
      this.docLabels = docLabels;
      this.label = label;
      this.all = all;
      this.relevant = relevant;
    }

    @Override
    protected void doSetNextReader(LeafReaderContext context) throws IOException {
      docBase = context.docBase;
      distances = HammingDistances.of(context.reader(), FIELD, code);
    }

    @Override
    public void collect(int doc) throws IOException {
      int d = distances.distance(doc);
      all[d]++;
      if (docLabels[docBase + doc] == label) {
        relevant[d]++;
      }
      hits++;
    }

    @Override
    public ScoreMode scoreMode() {
      return ScoreMode.COMPLETE_NO_SCORES;
    }
  }

  /** Adds this query's precision and recall within every radius r to the running sums. */
  private static void cumulativePrecisionRecall(
      int[] all, int[] relevant, double[] precision, double[] recall) {
    for (int r = 0; r < all.length; r++) {
      precision[r] += RankingMetrics.precisionWithin(all, relevant, r);
      recall[r] += RankingMetrics.recallWithin(all, relevant, r);
    }
  }

  /**
   * The full ranking by the weighted distance, through a top-n {@link HammingKnnQuery} with the
   * query's bit weights (those of its top-k query): {all, relevant} documents at each weighted
   * distance.
   */
  private static int[][] weightedRanking(
      IndexSearcher searcher, HashCode code, BitWeights weights, int[] docLabels, int label, int n)
      throws IOException {
    int[] all = new int[code.bits() * BitWeights.MAX_WEIGHT + 1];
    int[] relevant = new int[all.length];
    for (HammingHit hit :
        new HammingKnnQuery(FIELD, code, n).withBitWeights(weights).hits(searcher)) {
      all[hit.distance()]++;
      if (docLabels[hit.doc()] == label) {
        relevant[hit.distance()]++;
      }
    }
    return new int[][] {all, relevant};
  }

  /**
   * Checks a ranking's distance histogram against {@code distance} (database index -> distance to
   * the query) computed for every database item.
   */
  private static void checkAgainstBruteForce(
      HashCode q,
      java.util.function.IntUnaryOperator distance,
      List<PatchSpec> db,
      int label,
      int[] all,
      int[] relevant,
      int hits) {
    if (hits != db.size()) {
      throw new IllegalStateException(
          "full ranking returned " + hits + " of " + db.size() + " documents");
    }
    int[] bfAll = new int[all.length];
    int[] bfRel = new int[all.length];
    for (int i = 0; i < db.size(); i++) {
      int d = distance.applyAsInt(i);
      bfAll[d]++;
      if (db.get(i).label() == label) {
        bfRel[d]++;
      }
    }
    if (!java.util.Arrays.equals(bfAll, all) || !java.util.Arrays.equals(bfRel, relevant)) {
      throw new IllegalStateException(
          "Lucene ranking disagrees with a brute-force scan for query " + q.toHex());
    }
  }

  private void log(String format, Object... args) {
    if (progress != null) {
      progress.println(String.format(Locale.ROOT, format, args));
    }
  }

  private static void deleteTree(Path dir) {
    try {
      Folders.deleteTree(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete temporary index " + dir, e);
    }
  }
}
