package org.texhash.lucene;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.function.IntToDoubleFunction;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.ConstantScoreQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TopScoreDocCollectorManager;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.apache.lucene.tests.util.TestUtil;
import org.apache.lucene.util.Bits;
import org.texhash.lucene.CodeIndex.Data;

/**
 * The Hamming queries as clauses of boolean queries (conjunction, disjunction, exclusion) on an
 * index with deletions and several segments, searched by Lucene's asserting searcher with a top-n
 * collector that sets a minimum competitive score after the first hit (so disjunctions skip by max
 * score). Every result equals a brute-force ranking by score, then doc id.
 */
@LuceneTestCase.SuppressCodecs("SimpleText")
public class TestHammingQueriesCompose extends LuceneTestCase {

  public void testKnnAndRadiusAsClauses() throws IOException {
    Random random = random();
    int bits = random.nextBoolean() ? 64 : 128;
    int m = CodeIndex.randomSubstrings(random, bits, 4, 10);
    try (CodeIndex index =
        CodeIndex.build(
            random,
            bits,
            m,
            Data.CLUSTERED,
            TestUtil.nextInt(random, 200, 600),
            new CodeIndex.Options())) {
      for (int i = 0; i < 4; i++) {
        HashCode code = index.query(random);
        int k = CodeIndex.randomK(random);
        Query knn = new HammingKnnQuery(CodeIndex.FIELD, code, k);
        List<HammingHit> topK = index.bruteForce(code, k, id -> true);
        double[] knnScores = new double[index.idByDoc.length];
        for (HammingHit hit : topK) {
          knnScores[hit.doc()] = HammingScores.score(hit.distance());
        }
        checkAsClauses(index, random, knn, doc -> knnScores[doc]);

        int radius = TestUtil.nextInt(random, 0, bits / 4);
        Query within = new HammingRadiusQuery(CodeIndex.FIELD, code, radius);
        checkAsClauses(
            index,
            random,
            within,
            doc -> {
              int id = index.idByDoc[doc];
              int d =
                  index.codeById[id] == null
                      ? Integer.MAX_VALUE
                      : index.codeById[id].distance(code);
              return d <= radius ? HammingScores.score(d) : 0;
            });
      }
    }
  }

  /** {@code scoreOf(doc)}: the Hamming clause's score of a live doc, 0 when it does not match. */
  private static void checkAsClauses(
      CodeIndex index, Random random, Query hamming, IntToDoubleFunction scoreOf)
      throws IOException {
    String tagValue = "t" + random.nextInt(CodeIndex.TAGS);
    Query tag = new TermQuery(new Term("tag", tagValue));
    int n = TestUtil.nextInt(random, 1, 50);

    Query conjunction =
        new BooleanQuery.Builder().add(hamming, Occur.MUST).add(tag, Occur.FILTER).build();
    check(
        index,
        conjunction,
        n,
        doc ->
            scoreOf.applyAsDouble(doc) > 0 && hasTag(index, doc, tagValue)
                ? scoreOf.applyAsDouble(doc)
                : 0);

    Query exclusion =
        new BooleanQuery.Builder().add(hamming, Occur.MUST).add(tag, Occur.MUST_NOT).build();
    check(
        index, exclusion, n, doc -> hasTag(index, doc, tagValue) ? 0 : scoreOf.applyAsDouble(doc));

    // the tag scores 1; a doc matching both scores 1 + its Hamming score
    Query disjunction =
        new BooleanQuery.Builder()
            .add(hamming, Occur.SHOULD)
            .add(new ConstantScoreQuery(tag), Occur.SHOULD)
            .build();
    check(
        index,
        disjunction,
        n,
        doc -> scoreOf.applyAsDouble(doc) + (hasTag(index, doc, tagValue) ? 1 : 0));
  }

  private static void check(CodeIndex index, Query query, int n, IntToDoubleFunction expectedScore)
      throws IOException {
    List<ScoreDoc> expected = new ArrayList<>();
    for (LeafReaderContext leaf : index.searcher.getIndexReader().leaves()) {
      Bits live = leaf.reader().getLiveDocs();
      for (int doc = 0; doc < leaf.reader().maxDoc(); doc++) {
        int global = leaf.docBase + doc;
        double score =
            (live == null || live.get(doc)) && index.idByDoc[global] >= 0
                ? expectedScore.applyAsDouble(global)
                : 0;
        if (score > 0) {
          expected.add(new ScoreDoc(global, (float) score));
        }
      }
    }
    expected.sort(
        Comparator.comparingDouble((ScoreDoc hit) -> -hit.score).thenComparingInt(hit -> hit.doc));
    // total hits threshold 1: the collector sets a minimum competitive score from the first hit on
    TopDocs top = index.searcher.search(query, new TopScoreDocCollectorManager(n, null, 1));
    int size = Math.min(n, expected.size());
    assertEquals(query.toString(), size, top.scoreDocs.length);
    for (int i = 0; i < size; i++) {
      assertEquals(query + " at rank " + i, expected.get(i).doc, top.scoreDocs[i].doc);
      assertEquals(query + " at rank " + i, expected.get(i).score, top.scoreDocs[i].score, 1e-6f);
    }
  }

  private static boolean hasTag(CodeIndex index, int doc, String tag) {
    return ("t" + index.tagById[index.idByDoc[doc]]).equals(tag);
  }
}
