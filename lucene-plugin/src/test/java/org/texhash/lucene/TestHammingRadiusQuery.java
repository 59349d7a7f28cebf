package org.texhash.lucene;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.tests.search.CheckHits;
import org.apache.lucene.tests.search.QueryUtils;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.apache.lucene.tests.util.TestUtil;
import org.apache.lucene.util.Bits;
import org.texhash.lucene.CodeIndex.Data;

/**
 * Radius search against a brute-force reference, alone and inside boolean queries. Lucene's
 * QueryUtils checks assume an index without deletions; the brute-force comparisons use deletions.
 */
@LuceneTestCase.SuppressCodecs("SimpleText")
public class TestHammingRadiusQuery extends LuceneTestCase {

  public void testEqualsBruteForce() throws IOException {
    Random random = random();
    for (int bits : new int[] {32, 64, 128, 256}) {
      Data data =
          random.nextBoolean()
              ? Data.CLUSTERED
              : Data.values()[random.nextInt(Data.values().length)];
      try (CodeIndex index =
          CodeIndex.build(
              random, bits, 0, data, TestUtil.nextInt(random, 150, 500), new CodeIndex.Options())) {
        for (int i = 0; i < 4; i++) {
          HashCode code = index.query(random);
          // radii around the distances that occur: from exact matches to most of the index
          int radius = random.nextInt(4) == 0 ? 0 : TestUtil.nextInt(random, 1, bits / 2);
          HammingRadiusQuery query = new HammingRadiusQuery(CodeIndex.FIELD, code, radius);
          int[] expected = within(index, code, radius, null);
          TopDocs top = index.searcher.search(query, Math.max(1, expected.length));
          assertEquals(expected.length, top.totalHits.value);
          int[] got =
              java.util.Arrays.stream(top.scoreDocs).mapToInt(hit -> hit.doc).sorted().toArray();
          assertArrayEquals(expected, got);
          for (ScoreDoc hit : top.scoreDocs) {
            int id = index.idByDoc[hit.doc];
            assertEquals(HammingScores.score(index.codeById[id].distance(code)), hit.score, 0f);
          }
          // the k nearest within the radius are the first hits of the radius query's ranking
          List<HammingHit> nearest = index.bruteForce(code, expected.length, id -> true);
          for (int j = 0; j < top.scoreDocs.length; j++) {
            assertEquals(nearest.get(j).doc(), top.scoreDocs[j].doc);
          }
        }
      }
    }
  }

  public void testComposesInBooleanQueries() throws IOException {
    Random random = random();
    // QueryUtils expects no deletions, and searches single segments: none may lack the field
    CodeIndex.Options options = CodeIndex.Options.none();
    try (CodeIndex index =
        CodeIndex.build(
            random, 64, 0, Data.CLUSTERED, TestUtil.nextInt(random, 100, 250), options)) {
      for (int i = 0; i < 2; i++) {
        HashCode code = index.query(random);
        int radius = TestUtil.nextInt(random, 0, 16);
        HammingRadiusQuery query = new HammingRadiusQuery(CodeIndex.FIELD, code, radius);
        QueryUtils.check(random, query, index.searcher);

        Query tag = new TermQuery(new Term("tag", "t" + random.nextInt(CodeIndex.TAGS)));
        Query conjunction =
            new BooleanQuery.Builder()
                .add(query, BooleanClause.Occur.MUST)
                .add(tag, BooleanClause.Occur.FILTER)
                .build();
        CheckHits.checkHitCollector(
            random, conjunction, CodeIndex.FIELD, index.searcher, within(index, code, radius, tag));

        Query exclusion =
            new BooleanQuery.Builder()
                .add(query, BooleanClause.Occur.MUST)
                .add(tag, BooleanClause.Occur.MUST_NOT)
                .build();
        int[] all = within(index, code, radius, null);
        int[] inTag = within(index, code, radius, tag);
        CheckHits.checkHitCollector(
            random, exclusion, CodeIndex.FIELD, index.searcher, minus(all, inTag));

        // a disjunction with a second radius query around another code
        HashCode other = index.query(random);
        Query either =
            new BooleanQuery.Builder()
                .add(query, BooleanClause.Occur.SHOULD)
                .add(
                    new HammingRadiusQuery(CodeIndex.FIELD, other, radius),
                    BooleanClause.Occur.SHOULD)
                .build();
        int[] union =
            java.util.stream.IntStream.concat(
                    java.util.Arrays.stream(all),
                    java.util.Arrays.stream(within(index, other, radius, null)))
                .distinct()
                .sorted()
                .toArray();
        CheckHits.checkHitCollector(random, either, CodeIndex.FIELD, index.searcher, union);
      }
    }
  }

  public void testEqualsHashCodeToStringVisit() {
    HashCode a = HashCode.fromHex("0f0f0f0f");
    HammingRadiusQuery q = new HammingRadiusQuery("code", a, 3);
    QueryUtils.check(q);
    QueryUtils.checkEqual(q, new HammingRadiusQuery("code", a, 3));
    QueryUtils.checkUnequal(q, new HammingRadiusQuery("code", a, 4));
    QueryUtils.checkUnequal(q, new HammingRadiusQuery("code", HashCode.fromHex("0f0f0f0e"), 3));
    QueryUtils.checkUnequal(q, new HammingRadiusQuery("other", a, 3));
    assertEquals("code:hamming_radius(0f0f0f0f, r=3)", q.toString());
    assertEquals("hamming_radius(0f0f0f0f, r=3)", q.toString("code"));
    List<Query> leaves = new ArrayList<>();
    q.visit(
        new org.apache.lucene.search.QueryVisitor() {
          @Override
          public void visitLeaf(Query query) {
            leaves.add(query);
          }
        });
    assertEquals(List.of(q), leaves);
  }

  /** Brute force: the live docs with a code within the radius (and the tag, when given). */
  static int[] within(CodeIndex index, HashCode code, int radius, Query tag) {
    List<Integer> docs = new ArrayList<>();
    for (LeafReaderContext leaf : index.searcher.getIndexReader().leaves()) {
      Bits live = leaf.reader().getLiveDocs();
      for (int doc = 0; doc < leaf.reader().maxDoc(); doc++) {
        int id = index.idByDoc[leaf.docBase + doc];
        if ((live == null || live.get(doc))
            && id >= 0
            && index.codeById[id] != null
            && index.codeById[id].distance(code) <= radius
            && (tag == null || index.accepts(tag, id))) {
          docs.add(leaf.docBase + doc);
        }
      }
    }
    return docs.stream().mapToInt(Integer::intValue).toArray();
  }

  private static int[] minus(int[] a, int[] b) {
    java.util.Set<Integer> drop = new java.util.HashSet<>();
    for (int x : b) {
      drop.add(x);
    }
    return java.util.Arrays.stream(a).filter(x -> !drop.contains(x)).toArray();
  }
}
