package org.texhash.lucene;

import java.io.IOException;
import java.util.List;
import java.util.Random;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.Term;
import org.apache.lucene.queries.function.FunctionScoreQuery;
import org.apache.lucene.search.DoubleValues;
import org.apache.lucene.search.DoubleValuesSource;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.tests.search.QueryUtils;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.apache.lucene.tests.util.TestUtil;
import org.apache.lucene.util.Bits;
import org.texhash.lucene.CodeIndex.Data;

/** The collector manager and the values source against brute force. */
@LuceneTestCase.SuppressCodecs("SimpleText")
public class TestHammingCollectorAndSource extends LuceneTestCase {

  public void testCollectorRanksAnyQuerysHits() throws IOException {
    Random random = random();
    for (int bits : new int[] {32, 64, 128, 256}) {
      Data data = Data.values()[random.nextInt(Data.values().length)];
      try (CodeIndex index =
          CodeIndex.build(
              random, bits, 0, data, TestUtil.nextInt(random, 150, 600), new CodeIndex.Options())) {
        for (int i = 0; i < 5; i++) {
          HashCode code = index.query(random);
          int k = CodeIndex.randomK(random);
          Query query = random.nextBoolean() ? new MatchAllDocsQuery() : CodeIndex.filter(random);
          Query filter = query instanceof TermQuery ? query : null;
          TopDocs got =
              index
                  .searcher
                  .search(query, new HammingCollectorManager(CodeIndex.FIELD, code, k))
                  .topDocs();
          List<HammingHit> expected = index.bruteForce(code, k, id -> index.accepts(filter, id));
          TestHammingKnnQuery.assertHits(query, expected, got);
          long withCodes =
              index.bruteForce(code, Integer.MAX_VALUE, id -> index.accepts(filter, id)).size();
          assertEquals(withCodes, got.totalHits.value);
          // the same list as the k-NN query with that filter
          TopDocs knn =
              index.searcher.search(new HammingKnnQuery(CodeIndex.FIELD, code, k, filter), k);
          TestHammingKnnQuery.assertHits(query, expected, knn);
        }
      }
    }
  }

  public void testSimilaritySourceValues() throws IOException {
    Random random = random();
    int bits = new int[] {32, 64, 128, 256}[random.nextInt(4)];
    try (CodeIndex index =
        CodeIndex.build(
            random,
            bits,
            0,
            Data.CLUSTERED,
            TestUtil.nextInt(random, 100, 400),
            new CodeIndex.Options())) {
      HashCode code = index.query(random);
      HammingSimilaritySource source = new HammingSimilaritySource(CodeIndex.FIELD, code);
      DoubleValuesSource rewritten = source.rewrite(index.searcher);
      for (LeafReaderContext leaf : index.searcher.getIndexReader().leaves()) {
        DoubleValues values = rewritten.getValues(leaf, null);
        for (int doc = 0; doc < leaf.reader().maxDoc(); doc++) {
          int id = index.idByDoc[leaf.docBase + doc];
          Bits live = leaf.reader().getLiveDocs();
          if (live != null && !live.get(doc)) {
            continue; // a deleted doc's values are unspecified
          }
          HashCode stored = id < 0 ? null : index.codeById[id];
          assertEquals(stored != null, values.advanceExact(doc));
          if (stored != null) {
            assertEquals(HammingScores.score(stored.distance(code)), values.doubleValue(), 0.0);
          }
        }
      }
      // as a function score: the ranking is the Hamming ranking (docs without a code score 0, last)
      int k = TestUtil.nextInt(random, 1, 100);
      TopDocs got =
          index.searcher.search(new FunctionScoreQuery(new MatchAllDocsQuery(), source), k);
      List<HammingHit> expected = index.bruteForce(code, k, id -> true);
      for (int i = 0; i < Math.min(expected.size(), got.scoreDocs.length); i++) {
        ScoreDoc hit = got.scoreDocs[i];
        assertEquals(expected.get(i).doc(), hit.doc);
        assertEquals(HammingScores.score(expected.get(i).distance()), hit.score, 1e-7f);
      }
    }
  }

  public void testSimilaritySourceInLucenesQueryChecks() throws IOException {
    Random random = random();
    // QueryUtils expects no deletions, and searches single segments: none may lack the field
    try (CodeIndex index =
        CodeIndex.build(
            random,
            64,
            0,
            Data.CLUSTERED,
            TestUtil.nextInt(random, 100, 300),
            CodeIndex.Options.none())) {
      HammingSimilaritySource source =
          new HammingSimilaritySource(CodeIndex.FIELD, index.query(random));
      QueryUtils.check(
          random,
          new FunctionScoreQuery(new TermQuery(new Term("tag", "t1")), source),
          index.searcher);
      QueryUtils.check(
          random, FunctionScoreQuery.boostByValue(new MatchAllDocsQuery(), source), index.searcher);
    }
  }

  public void testSourceEqualsHashCodeToString() {
    HashCode a = HashCode.fromHex("abcd");
    HammingSimilaritySource s = new HammingSimilaritySource("code", a);
    assertEquals(s, new HammingSimilaritySource("code", a));
    assertEquals(s.hashCode(), new HammingSimilaritySource("code", a).hashCode());
    assertNotEquals(s, new HammingSimilaritySource("code", HashCode.fromHex("abce")));
    assertNotEquals(s, new HammingSimilaritySource("other", a));
    assertEquals("hamming_similarity(code, abcd)", s.toString());
    assertFalse(s.needsScores());
  }
}
