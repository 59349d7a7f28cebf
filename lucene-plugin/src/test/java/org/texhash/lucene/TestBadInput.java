package org.texhash.lucene;

import java.io.IOException;
import org.apache.lucene.document.BinaryDocValuesField;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.store.Directory;
import org.apache.lucene.tests.index.RandomIndexWriter;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.apache.lucene.util.BytesRef;

/** Bad input is an IllegalArgumentException naming the field and the expected length. */
public class TestBadInput extends LuceneTestCase {
  private static final HashCode CODE64 = HashCode.fromHex("0123456789abcdef");

  public void testConstructorArguments() {
    IllegalArgumentException e =
        expectThrows(IllegalArgumentException.class, () -> new HammingKnnQuery("code", CODE64, 0));
    assertTrue(
        e.getMessage(),
        e.getMessage().contains("'code'") && e.getMessage().contains("k must be at least 1"));
    e =
        expectThrows(
            IllegalArgumentException.class, () -> new HammingRadiusQuery("code", CODE64, -1));
    assertTrue(
        e.getMessage(), e.getMessage().contains("'code'") && e.getMessage().contains("radius"));
    expectThrows(
        IllegalArgumentException.class, () -> new HammingCollectorManager("code", CODE64, 0));
    expectThrows(IllegalArgumentException.class, () -> new HammingKnnQuery("code", null, 3));
    expectThrows(IllegalArgumentException.class, () -> new HammingKnnQuery(null, CODE64, 3));
    expectThrows(IllegalArgumentException.class, () -> new HammingSimilaritySource("code", null));
    expectThrows(
        IllegalArgumentException.class,
        () -> new HammingKnnQuery("code", CODE64, 3).withStrategy(null));
    expectThrows(
        IllegalArgumentException.class,
        () -> HashCodeField.addTo(new Document(), "code", CODE64, -1));
    e =
        expectThrows(
            IllegalArgumentException.class,
            () -> HashCodeField.addTo(new Document(), "code", CODE64, 65));
    assertTrue(e.getMessage(), e.getMessage().contains("64-bit"));
    expectThrows(
        IllegalArgumentException.class,
        () -> MultiIndexHashing.substringTerms(HashCode.fromHex("00".repeat(80)), 1));
  }

  public void testIndexMismatches() throws IOException {
    try (Directory dir = newDirectory()) {
      try (RandomIndexWriter w = new RandomIndexWriter(random(), dir)) {
        for (int i = 0; i < 20; i++) {
          Document doc = new Document();
          HashCodeField.addTo(doc, "code", CodeIndex.randomCode(random(), 64, 0.5), 4);
          doc.add(new NumericDocValuesField("number", i));
          doc.add(new StringField("text", "x" + i, Field.Store.NO));
          w.addDocument(doc);
        }
      }
      try (IndexReader reader = DirectoryReader.open(dir)) {
        IndexSearcher searcher = newSearcher(reader);
        HashCode code128 = HashCode.fromHex("00".repeat(16));
        for (Runnable bad :
            new Runnable[] {
              () -> search(searcher, new HammingKnnQuery("code", code128, 3)),
              () -> search(searcher, new HammingRadiusQuery("code", code128, 3)),
              () -> searchCollector(searcher, new HammingCollectorManager("code", code128, 3)),
            }) {
          IllegalArgumentException e = expectThrows(IllegalArgumentException.class, bad::run);
          assertTrue(
              e.getMessage(),
              e.getMessage().contains("'code'")
                  && e.getMessage().contains("64-bit")
                  && e.getMessage().contains("expected a code of length 8 bytes"));
        }
        for (String field : new String[] {"nosuchfield", "text"}) {
          IllegalArgumentException e =
              expectThrows(
                  IllegalArgumentException.class,
                  () -> search(searcher, new HammingKnnQuery(field, CODE64, 3)));
          assertTrue(
              e.getMessage(),
              e.getMessage().contains("'" + field + "'") && e.getMessage().contains("8 bytes"));
          expectThrows(
              IllegalArgumentException.class,
              () -> search(searcher, new HammingRadiusQuery(field, CODE64, 3)));
          expectThrows(
              IllegalArgumentException.class,
              () -> searchCollector(searcher, new HammingCollectorManager(field, CODE64, 3)));
          expectThrows(
              IllegalArgumentException.class,
              () -> new HammingSimilaritySource(field, CODE64).rewrite(searcher));
        }
        IllegalArgumentException e =
            expectThrows(
                IllegalArgumentException.class,
                () -> search(searcher, new HammingKnnQuery("number", CODE64, 3)));
        assertTrue(
            e.getMessage(),
            e.getMessage().contains("'number'") && e.getMessage().contains("NUMERIC"));
      }
    }
  }

  /** A binary field that holds something other than codes of one length is refused, not misread. */
  public void testNotCodes() throws IOException {
    try (Directory dir = newDirectory()) {
      try (RandomIndexWriter w = new RandomIndexWriter(random(), dir)) {
        Document doc = new Document();
        doc.add(new BinaryDocValuesField("blob", new BytesRef(new byte[] {1, 2, 3})));
        doc.add(new BinaryDocValuesField("empty", new BytesRef(new byte[0])));
        w.addDocument(doc);
      }
      try (IndexReader reader = DirectoryReader.open(dir)) {
        IndexSearcher searcher = newSearcher(reader);
        // three bytes would be a 24-bit code: refused for a 64-bit query, naming both lengths
        IllegalArgumentException e =
            expectThrows(
                IllegalArgumentException.class,
                () -> search(searcher, new HammingKnnQuery("blob", CODE64, 3)));
        assertTrue(
            e.getMessage(),
            e.getMessage().contains("'blob'")
                && e.getMessage().contains("3 bytes")
                && e.getMessage().contains("64 bits"));
        e =
            expectThrows(
                IllegalArgumentException.class,
                () -> search(searcher, new HammingKnnQuery("empty", CODE64, 3)));
        assertTrue(
            e.getMessage(),
            e.getMessage().contains("'empty'") && e.getMessage().contains("0-byte"));
      }
    }
  }

  private static void search(IndexSearcher searcher, org.apache.lucene.search.Query q) {
    try {
      searcher.search(q, 10);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static void searchCollector(IndexSearcher searcher, HammingCollectorManager m) {
    try {
      searcher.search(new MatchAllDocsQuery(), m);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
