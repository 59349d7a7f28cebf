package org.texhash.lucene;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.Weight;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.apache.lucene.tests.util.LuceneTestCase;

/**
 * The iterator of a rewritten {@link HammingKnnQuery} on a fixed multi-segment index, no
 * randomness: advancing to NO_MORE_DOCS in a segment with a non-zero doc base once overflowed
 * {@code target + docBase} and returned an earlier hit (a conjunction then failed).
 */
public class TestHammingHitsIterator extends LuceneTestCase {
  private static final int SEGMENTS = 3;
  private static final int PER_SEGMENT = 10;

  public void testAdvancePastTheLastHitEndsInEverySegment() throws IOException {
    try (Directory dir = new ByteBuffersDirectory();
        DirectoryReader reader = threeSegments(dir)) {
      IndexSearcher searcher = new IndexSearcher(reader);
      Query hits = searcher.rewrite(new HammingKnnQuery("code", code(0), SEGMENTS * PER_SEGMENT));
      Weight weight = searcher.createWeight(hits, ScoreMode.COMPLETE, 1f);
      List<LeafReaderContext> leaves = reader.leaves();
      assertEquals(SEGMENTS, leaves.size());
      for (LeafReaderContext leaf : leaves) {
        Scorer scorer = weight.scorer(leaf);
        DocIdSetIterator it = scorer.iterator();
        assertEquals(0, it.nextDoc());
        assertEquals(DocIdSetIterator.NO_MORE_DOCS, it.advance(DocIdSetIterator.NO_MORE_DOCS));
        assertEquals(DocIdSetIterator.NO_MORE_DOCS, scorer.docID());

        DocIdSetIterator fresh = weight.scorer(leaf).iterator();
        assertEquals(PER_SEGMENT - 1, fresh.advance(PER_SEGMENT - 1));
        assertEquals(DocIdSetIterator.NO_MORE_DOCS, fresh.advance(PER_SEGMENT));
      }
    }
  }

  public void testConjunctionWithATermAcrossSegments() throws IOException {
    try (Directory dir = new ByteBuffersDirectory();
        DirectoryReader reader = threeSegments(dir)) {
      IndexSearcher searcher = new IndexSearcher(reader);
      int k = 7;
      Query both =
          new BooleanQuery.Builder()
              .add(new HammingKnnQuery("code", code(0), k), BooleanClause.Occur.MUST)
              .add(new TermQuery(new Term("tag", "even")), BooleanClause.Occur.FILTER)
              .build();
      ScoreDoc[] found = searcher.search(both, 100).scoreDocs;
      // brute force: doc i is at distance popcount(i); ties by doc id; then keep the even docs
      long[] top = new long[SEGMENTS * PER_SEGMENT];
      for (int doc = 0; doc < top.length; doc++) {
        top[doc] = ((long) Long.bitCount(doc) << 32) | doc;
      }
      Arrays.sort(top);
      Set<Integer> expected = new TreeSet<>();
      for (int i = 0; i < k; i++) {
        int doc = (int) top[i];
        if (doc % 2 == 0) {
          expected.add(doc);
        }
      }
      Set<Integer> actual = new TreeSet<>();
      for (ScoreDoc hit : found) {
        actual.add(hit.doc);
      }
      assertEquals(expected, actual);
    }
  }

  /** Doc i holds code i (64 bits), so its distance to code 0 is popcount(i). */
  private static DirectoryReader threeSegments(Directory dir) throws IOException {
    IndexWriterConfig config = new IndexWriterConfig().setMergePolicy(NoMergePolicy.INSTANCE);
    try (IndexWriter writer = new IndexWriter(dir, config)) {
      for (int doc = 0; doc < SEGMENTS * PER_SEGMENT; doc++) {
        Document d = new Document();
        HashCodeField.addTo(d, "code", code(doc), 0);
        d.add(new StringField("tag", doc % 2 == 0 ? "even" : "odd", Field.Store.NO));
        writer.addDocument(d);
        if ((doc + 1) % PER_SEGMENT == 0) {
          writer.commit();
        }
      }
    }
    return DirectoryReader.open(dir);
  }

  private static HashCode code(long value) {
    return HashCode.fromLongs(new long[] {value}, 64);
  }
}
