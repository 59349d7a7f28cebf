package org.texhash.lucene;

import java.io.IOException;
import java.util.List;
import java.util.Random;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.tests.search.CheckHits;
import org.apache.lucene.tests.search.QueryUtils;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.apache.lucene.tests.util.TestUtil;
import org.texhash.lucene.CodeIndex.Data;
import org.texhash.lucene.HammingKnnQuery.Strategy;

/** Exact top-k against a brute-force reference, for every strategy, filter and kind of data. */
@LuceneTestCase.SuppressCodecs(
    "SimpleText") // a debugging codec: its term lookups make MIH tests crawl
public class TestHammingKnnQuery extends LuceneTestCase {
  private static final int[] BITS = {32, 64, 128, 256};

  public void testUniform() throws IOException {
    checkAllLengths(Data.UNIFORM);
  }

  public void testClustered() throws IOException {
    checkAllLengths(Data.CLUSTERED);
  }

  public void testManyDuplicates() throws IOException {
    checkAllLengths(Data.DUPLICATES);
  }

  public void testAllFarAway() throws IOException {
    checkAllLengths(Data.FAR);
  }

  /** Doc-values updates and documents indexed without substring terms: MIH must notice and scan. */
  public void testUntrustworthySubstringTermsFallBackToScan() throws IOException {
    Random random = random();
    CodeIndex.Options options = new CodeIndex.Options();
    options.docValuesUpdateRate = 0.05;
    options.noTermsRate = random.nextBoolean() ? 0.05 : 0;
    int bits = BITS[random.nextInt(BITS.length)];
    try (CodeIndex index =
        CodeIndex.build(
            random,
            bits,
            CodeIndex.randomSubstrings(random, bits, 4, 8),
            Data.CLUSTERED,
            TestUtil.nextInt(random, 200, 500),
            options)) {
      checkQueries(index, random, atLeast(4));
    }
  }

  private void checkAllLengths(Data data) throws IOException {
    Random random = random();
    for (int bits : BITS) {
      // far-away data drives multi-index hashing to large radii: keep its substrings short
      int maxLength = data == Data.FAR ? 8 : 10;
      int m = CodeIndex.randomSubstrings(random, bits, 3, maxLength);
      int n = TestUtil.nextInt(random, 200, 700);
      try (CodeIndex index = CodeIndex.build(random, bits, m, data, n, new CodeIndex.Options())) {
        checkQueries(index, random, atLeast(4));
      }
    }
  }

  private void checkQueries(CodeIndex index, Random random, int queries) throws IOException {
    for (int i = 0; i < queries; i++) {
      HashCode code = index.query(random);
      int k = CodeIndex.randomK(random);
      Query filter = random.nextBoolean() ? null : CodeIndex.filter(random);
      List<HammingHit> expected = index.bruteForce(code, k, id -> index.accepts(filter, id));
      for (Strategy strategy : Strategy.values()) {
        HammingKnnQuery query =
            new HammingKnnQuery(CodeIndex.FIELD, code, k, filter).withStrategy(strategy);
        assertHits(query, expected, index.searcher.search(query, k));
      }
    }
  }

  static void assertHits(Query query, List<HammingHit> expected, TopDocs actual) {
    String message =
        query + ": expected " + expected.size() + " hits, got " + actual.scoreDocs.length;
    assertEquals(message, expected.size(), actual.scoreDocs.length);
    for (int i = 0; i < expected.size(); i++) {
      ScoreDoc hit = actual.scoreDocs[i];
      int d = expected.get(i).distance();
      assertEquals(message + " at rank " + i, expected.get(i).doc(), hit.doc);
      assertEquals(message + " at rank " + i, HammingScores.score(d), hit.score, 0f);
      assertEquals(d, HammingScores.distance(hit.score));
    }
  }

  /**
   * Bit weights: the weighted top-k equals the brute-force weighted top-k for every strategy (all
   * of them scan), and weights of one give the plain Hamming hits.
   */
  public void testWeightedDistanceAgainstBruteForce() throws IOException {
    Random random = random();
    for (int bits : BITS) {
      Data data = Data.values()[random.nextInt(Data.values().length)];
      int m = CodeIndex.randomSubstrings(random, bits, 3, 8);
      try (CodeIndex index =
          CodeIndex.build(
              random, bits, m, data, TestUtil.nextInt(random, 200, 600), new CodeIndex.Options())) {
        for (int i = 0; i < atLeast(4); i++) {
          HashCode code = index.query(random);
          BitWeights weights = randomWeights(random, bits);
          int k = CodeIndex.randomK(random);
          Query filter = random.nextBoolean() ? null : CodeIndex.filter(random);
          List<HammingHit> expected =
              index.bruteForce(k, id -> index.accepts(filter, id), c -> weights.distance(code, c));
          for (Strategy strategy : Strategy.values()) {
            HammingKnnQuery query =
                new HammingKnnQuery(CodeIndex.FIELD, code, k, filter)
                    .withStrategy(strategy)
                    .withBitWeights(weights);
            assertHits(query, expected, index.searcher.search(query, k));
          }
          int[] ones = new int[bits];
          java.util.Arrays.fill(ones, 1);
          HammingKnnQuery unit =
              new HammingKnnQuery(CodeIndex.FIELD, code, k, filter)
                  .withBitWeights(BitWeights.of(ones));
          assertHits(
              unit,
              index.bruteForce(code, k, id -> index.accepts(filter, id)),
              index.searcher.search(unit, k));
        }
      }
    }
  }

  /** Random weights: uniform, sparse (most bits 0), or from random features. */
  private static BitWeights randomWeights(Random random, int bits) {
    int[] w = new int[bits];
    switch (random.nextInt(3)) {
      case 0 -> {
        for (int i = 0; i < bits; i++) {
          w[i] = random.nextInt(BitWeights.MAX_WEIGHT + 1);
        }
      }
      case 1 -> {
        for (int i = 0; i < bits; i++) {
          w[i] = random.nextInt(4) == 0 ? 1 + random.nextInt(3) : 0; // many ties
        }
      }
      default -> {
        float[] features = new float[bits];
        for (int i = 0; i < bits; i++) {
          features[i] = (float) random.nextGaussian();
        }
        return BitWeights.fromFeatures(features);
      }
    }
    return BitWeights.of(w);
  }

  /** Multi-index hashing run directly on every segment returns exactly the scan's list. */
  public void testMultiIndexEqualsScanPerSegment() throws IOException {
    Random random = random();
    for (int bits : BITS) {
      Data data = Data.values()[random.nextInt(Data.values().length)];
      int m = CodeIndex.randomSubstrings(random, bits, 2, 8);
      try (CodeIndex index =
          CodeIndex.build(
              random, bits, m, data, TestUtil.nextInt(random, 200, 800), new CodeIndex.Options())) {
        for (int q = 0; q < 5; q++) {
          HashCode code = index.query(random);
          int k = CodeIndex.randomK(random);
          for (LeafReaderContext leaf : index.reader.leaves()) {
            SegmentCodes codes = SegmentCodes.forQuery(leaf.reader(), CodeIndex.FIELD, code);
            if (codes == null) {
              continue;
            }
            assertEquals(
                "every document with a code has its substring terms",
                m,
                MultiIndexSearch.segmentSubstrings(leaf.reader(), CodeIndex.FIELD, codes));
            HammingHits scan =
                HammingScan.search(codes, code.words(), k, leaf.reader().getLiveDocs(), null);
            HammingHits mih =
                MultiIndexSearch.search(
                    leaf.reader(),
                    CodeIndex.FIELD,
                    m,
                    codes,
                    code,
                    null,
                    k,
                    leaf.reader().getLiveDocs(),
                    -1,
                    MultiIndexSearch.UNLIMITED);
            assertEquals(scan, mih);
            // by a weighted distance too: the bound of the unseen documents, weighed
            BitWeights weights = randomWeights(random, bits);
            assertEquals(
                HammingScan.searchWeighted(
                    codes, code.words(), weights, k, leaf.reader().getLiveDocs(), null),
                MultiIndexSearch.search(
                    leaf.reader(),
                    CodeIndex.FIELD,
                    m,
                    codes,
                    code,
                    weights,
                    k,
                    leaf.reader().getLiveDocs(),
                    -1,
                    MultiIndexSearch.UNLIMITED));
            // with a budget too small for even the first probes, it hands back to the scan
            assertNull(
                MultiIndexSearch.search(
                    leaf.reader(),
                    CodeIndex.FIELD,
                    m,
                    codes,
                    code,
                    null,
                    k,
                    leaf.reader().getLiveDocs(),
                    -1,
                    MultiIndexSearch.LOOKUP_COST - 1));
          }
        }
      }
    }
  }

  /** One task per segment on an executor: the merged list is the brute-force list. */
  public void testParallelSegmentsThroughTheExecutor() throws Exception {
    Random random = random();
    java.util.concurrent.ExecutorService executor =
        java.util.concurrent.Executors.newFixedThreadPool(
            2, new org.apache.lucene.util.NamedThreadFactory("hamming-knn-test"));
    try (CodeIndex index =
        CodeIndex.build(
            random,
            64,
            4,
            Data.CLUSTERED,
            TestUtil.nextInt(random, 300, 600),
            new CodeIndex.Options())) {
      IndexSearcher parallel = new IndexSearcher(index.searcher.getIndexReader(), executor);
      for (int i = 0; i < 5; i++) {
        HashCode code = index.query(random);
        int k = CodeIndex.randomK(random);
        Query filter = random.nextBoolean() ? null : CodeIndex.filter(random);
        List<HammingHit> expected = index.bruteForce(code, k, id -> index.accepts(filter, id));
        for (Strategy strategy : Strategy.values()) {
          HammingKnnQuery query =
              new HammingKnnQuery(CodeIndex.FIELD, code, k, filter).withStrategy(strategy);
          assertHits(query, expected, parallel.search(query, k));
        }
        TopDocs collected =
            parallel
                .search(
                    new org.apache.lucene.search.MatchAllDocsQuery(),
                    new HammingCollectorManager(CodeIndex.FIELD, code, k))
                .topDocs();
        assertHits(
            new org.apache.lucene.search.MatchAllDocsQuery(),
            index.bruteForce(code, k, id -> true),
            collected);
      }
    } finally {
      executor.shutdown();
      assertTrue(executor.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES));
    }
  }

  /** Whole 64-bit substrings (m = K/64): the longest terms, found at radius 0 for indexed codes. */
  public void testSixtyFourBitSubstrings() throws IOException {
    Random random = random();
    int bits = random.nextBoolean() ? 64 : 128;
    try (CodeIndex index =
        CodeIndex.build(
            random,
            bits,
            bits / 64,
            Data.DUPLICATES,
            TestUtil.nextInt(random, 100, 300),
            new CodeIndex.Options())) {
      for (int i = 0; i < 5; i++) {
        int id = random.nextInt(index.codeById.length);
        HashCode code = index.codeById[id];
        if (code == null || !index.liveById[id]) {
          continue;
        }
        // k = 1 and a live indexed code: radius 0 finds it, so even the unbudgeted strategy stops
        // there (probing radius 1 of a 64-bit substring already costs 64 lookups, radius 16 ~1e14)
        List<HammingHit> expected = index.bruteForce(code, 1, x -> true);
        for (Strategy strategy : Strategy.values()) {
          HammingKnnQuery query =
              new HammingKnnQuery(CodeIndex.FIELD, code, 1).withStrategy(strategy);
          assertHits(query, expected, index.searcher.search(query, 1));
        }
      }
    }
  }

  /**
   * Lucene's own checks. A top-k query is not a per-document predicate: rewritten on one segment
   * alone it finds that segment's own top-k, which QueryUtils' single-segment skip checks do not
   * expect. So the checks run on the rewritten query (the global top-k, which answers per segment
   * consistently) and on top-k queries whose k covers every document.
   */
  public void testLuceneQueryChecks() throws IOException {
    Random random = random();
    int bits = BITS[random.nextInt(BITS.length)];
    CodeIndex.Options options = new CodeIndex.Options();
    options.missingRate =
        0; // so that no segment lacks the field (QueryUtils searches single segments)
    try (CodeIndex index =
        CodeIndex.build(
            random,
            bits,
            CodeIndex.randomSubstrings(random, bits, 4, 8),
            Data.CLUSTERED,
            TestUtil.nextInt(random, 100, 300),
            options)) {
      for (int i = 0; i < 2; i++) {
        HashCode code = index.query(random);
        int k = TestUtil.nextInt(random, 1, 50);
        Query filter = random.nextBoolean() ? null : CodeIndex.filter(random);
        HammingKnnQuery query = new HammingKnnQuery(CodeIndex.FIELD, code, k, filter);
        List<HammingHit> expected = index.bruteForce(code, k, id -> index.accepts(filter, id));
        int[] docs = expected.stream().mapToInt(HammingHit::doc).toArray();
        Query rewritten = index.searcher.rewrite(query);
        QueryUtils.check(random, rewritten, index.searcher);
        CheckHits.checkHitCollector(random, rewritten, CodeIndex.FIELD, index.searcher, docs);
        CheckHits.checkExplanations(query, CodeIndex.FIELD, index.searcher);
        CheckHits.checkHits(random, rewritten, CodeIndex.FIELD, index.searcher, docs);

        HammingKnnQuery everything = new HammingKnnQuery(CodeIndex.FIELD, code, 100_000, filter);
        QueryUtils.check(random, everything, index.searcher);

        // the rewritten query composes: intersect with a tag, the top-k order survives
        Query tag = new TermQuery(new Term("tag", "t0"));
        BooleanQuery both =
            new BooleanQuery.Builder()
                .add(query, BooleanClause.Occur.MUST)
                .add(tag, BooleanClause.Occur.FILTER)
                .build();
        List<HammingHit> inTag =
            expected.stream().filter(hit -> index.accepts(tag, index.idByDoc[hit.doc()])).toList();
        assertHits(both, inTag, index.searcher.search(both, k));
      }
    }
  }

  public void testEqualsHashCodeToString() {
    HashCode a = HashCode.fromHex("00ff00ff00ff00ff");
    HashCode b = HashCode.fromHex("00ff00ff00ff00fe");
    Query filter = new TermQuery(new Term("tag", "t1"));
    HammingKnnQuery q = new HammingKnnQuery("code", a, 10);
    QueryUtils.checkEqual(q, new HammingKnnQuery("code", a, 10));
    QueryUtils.checkUnequal(q, new HammingKnnQuery("code", b, 10));
    QueryUtils.checkUnequal(q, new HammingKnnQuery("code", a, 11));
    QueryUtils.checkUnequal(q, new HammingKnnQuery("other", a, 10));
    QueryUtils.checkUnequal(q, new HammingKnnQuery("code", a, 10, filter));
    QueryUtils.checkUnequal(q, q.withStrategy(Strategy.SCAN));
    QueryUtils.checkEqual(q, q.withStrategy(Strategy.AUTO));
    QueryUtils.check(q);
    assertEquals("code:hamming_knn(00ff00ff00ff00ff, k=10)", q.toString());
    assertEquals(
        "hamming_knn(00ff00ff00ff00ff, k=10, strategy=MULTI_INDEX, filter=tag:t1)",
        new HammingKnnQuery("code", a, 10, filter)
            .withStrategy(Strategy.MULTI_INDEX)
            .toString("code"));
  }

  public void testVisitSeesFieldAndFilterTerms() {
    HashCode a = HashCode.fromHex("00ff00ff");
    Term tag = new Term("tag", "t1");
    java.util.Set<Term> terms = new java.util.HashSet<>();
    new HammingKnnQuery("code", a, 3, new TermQuery(tag)).visit(QueryVisitor.termCollector(terms));
    assertEquals(java.util.Set.of(tag), terms);
    java.util.List<Query> leaves = new java.util.ArrayList<>();
    HammingKnnQuery q = new HammingKnnQuery("code", a, 3);
    q.visit(
        new QueryVisitor() {
          @Override
          public void visitLeaf(Query query) {
            leaves.add(query);
          }
        });
    assertEquals(java.util.List.of(q), leaves);
  }

  public void testEmptyIndexAndNoHits() throws IOException {
    try (CodeIndex index =
        CodeIndex.build(random(), 64, 4, Data.UNIFORM, 50, new CodeIndex.Options())) {
      HashCode code = index.query(random());
      Query none = new TermQuery(new Term("tag", "no-such-tag"));
      HammingKnnQuery query = new HammingKnnQuery(CodeIndex.FIELD, code, 5, none);
      assertTrue(index.searcher.rewrite(query) instanceof MatchNoDocsQuery);
      assertEquals(0, index.searcher.search(query, 5).scoreDocs.length);
    }
    try (org.apache.lucene.index.MultiReader empty = new org.apache.lucene.index.MultiReader()) {
      IndexSearcher searcher = newSearcher(empty);
      assertEquals(0, searcher.count(new HammingKnnQuery("code", HashCode.fromHex("00ff"), 5)));
    }
  }

  /** The per-segment code cache is dropped when the segment's core closes. */
  public void testCacheEntriesDroppedOnClose() throws IOException {
    int before = SegmentCodes.cachedSegments();
    try (CodeIndex index =
        CodeIndex.build(random(), 64, 4, Data.UNIFORM, 200, CodeIndex.Options.none())) {
      index.searcher.search(new HammingKnnQuery(CodeIndex.FIELD, index.query(random()), 3), 3);
      assertTrue(SegmentCodes.cachedSegments() >= before);
    }
    assertEquals(before, SegmentCodes.cachedSegments());
  }
}
