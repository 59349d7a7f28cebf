package org.texhash.lucene;

import java.io.IOException;
import java.util.List;
import java.util.Random;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.apache.lucene.tests.util.TestUtil;
import org.texhash.lucene.CodeIndex.Data;
import org.texhash.lucene.HammingKnnQuery.Strategy;

/**
 * The int-distance API: {@link HammingHits} from the query and the collector, {@link
 * HammingDistances}.
 */
@LuceneTestCase.SuppressCodecs("SimpleText")
public class TestHammingHitsAndDistances extends LuceneTestCase {

  public void testKnnHitsCarryTheDistancesOfTheBruteForceList() throws IOException {
    Random random = random();
    int bits = new int[] {32, 64, 128, 256}[random.nextInt(4)];
    int m = random.nextBoolean() ? 0 : CodeIndex.randomSubstrings(random, bits, 4, 10);
    try (CodeIndex index =
        CodeIndex.build(
            random,
            bits,
            m,
            Data.CLUSTERED,
            TestUtil.nextInt(random, 150, 500),
            new CodeIndex.Options())) {
      for (int i = 0; i < 4; i++) {
        HashCode code = index.query(random);
        int k = CodeIndex.randomK(random);
        Query filter = random.nextBoolean() ? null : CodeIndex.filter(random);
        List<HammingHit> expected = index.bruteForce(code, k, id -> index.accepts(filter, id));
        for (Strategy strategy : Strategy.values()) {
          HammingKnnQuery query =
              new HammingKnnQuery(CodeIndex.FIELD, code, k, filter).withStrategy(strategy);
          HammingHits hits = query.hits(index.searcher);
          assertEquals(query.toString(), expected, hits);
          assertEquals(expected.size(), hits.totalHits());
          TestHammingKnnQuery.assertHits(query, expected, hits.topDocs());
        }
      }
    }
  }

  public void testCollectorHitsAndTheirTopDocsView() throws IOException {
    Random random = random();
    try (CodeIndex index =
        CodeIndex.build(
            random,
            64,
            0,
            Data.DUPLICATES,
            TestUtil.nextInt(random, 100, 300),
            new CodeIndex.Options())) {
      HashCode code = index.query(random);
      int k = CodeIndex.randomK(random);
      HammingHits hits =
          index.searcher.search(
              new MatchAllDocsQuery(), new HammingCollectorManager(CodeIndex.FIELD, code, k));
      assertEquals(index.bruteForce(code, k, id -> true), hits);
      assertEquals(index.bruteForce(code, Integer.MAX_VALUE, id -> true).size(), hits.totalHits());
      TopDocs top = hits.topDocs();
      assertEquals(hits.totalHits(), top.totalHits.value);
      for (int i = 0; i < hits.size(); i++) {
        ScoreDoc scoreDoc = top.scoreDocs[i];
        assertEquals(hits.doc(i), scoreDoc.doc);
        assertEquals(hits.get(i).score(), scoreDoc.score, 0f);
        assertEquals(HammingScores.score(hits.distance(i)), scoreDoc.score, 0f);
      }
    }
  }

  public void testDistancesReadEverySegmentsCodes() throws IOException {
    Random random = random();
    int bits = new int[] {32, 64, 128, 256}[random.nextInt(4)];
    try (CodeIndex index =
        CodeIndex.build(
            random,
            bits,
            0,
            Data.values()[random.nextInt(Data.values().length)],
            TestUtil.nextInt(random, 100, 300),
            new CodeIndex.Options())) {
      HashCode code = index.query(random);
      for (LeafReaderContext leaf : index.searcher.getIndexReader().leaves()) {
        HammingDistances distances = HammingDistances.of(leaf.reader(), CodeIndex.FIELD, code);
        for (int doc = 0; doc < leaf.reader().maxDoc(); doc++) {
          int id = index.idByDoc[leaf.docBase + doc];
          HashCode stored = id < 0 ? null : index.codeById[id];
          if (leaf.reader().getLiveDocs() != null && !leaf.reader().getLiveDocs().get(doc)) {
            continue; // the model forgets deleted documents' codes
          }
          assertEquals(stored != null, distances.has(doc));
          if (stored != null) {
            assertEquals(stored.distance(code), distances.distance(doc));
            assertEquals(stored, distances.code(doc));
          } else {
            int missing = doc;
            IllegalArgumentException e =
                expectThrows(IllegalArgumentException.class, () -> distances.distance(missing));
            assertTrue(e.getMessage(), e.getMessage().contains("has no code"));
          }
        }
      }
    }
  }

  public void testDistancesRefuseACodeOfAnotherLength() throws IOException {
    Random random = random();
    try (CodeIndex index =
        CodeIndex.build(random, 64, 0, Data.CLUSTERED, 50, new CodeIndex.Options())) {
      HashCode longer = HashCode.fromLongs(new long[] {1L, 2L}, 128);
      for (LeafReaderContext leaf : index.searcher.getIndexReader().leaves()) {
        if (leaf.reader().getFieldInfos().fieldInfo(CodeIndex.FIELD) == null) {
          continue;
        }
        IllegalArgumentException e =
            expectThrows(
                IllegalArgumentException.class,
                () -> HammingDistances.of(leaf.reader(), CodeIndex.FIELD, longer));
        assertTrue(e.getMessage(), e.getMessage().contains("field 'code' holds 64-bit codes"));
      }
      HammingDistances absent =
          HammingDistances.of(
              index.searcher.getIndexReader().leaves().get(0).reader(), "no_such_field", longer);
      assertFalse(absent.has(0));
    }
  }
}
