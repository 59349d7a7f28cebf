package org.texhash.lucene;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.function.IntPredicate;
import java.util.function.ToIntFunction;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.Directory;
import org.apache.lucene.tests.index.RandomIndexWriter;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.apache.lucene.tests.util.TestUtil;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.BytesRef;

/**
 * A random index of codes with its model: which id has which code, tag, and whether it is live. The
 * brute-force reference works from the model (codes by id, {@link HashCode#distance}), not from the
 * doc values, so it checks the index path independently.
 */
final class CodeIndex implements Closeable {
  static final String FIELD = "code";

  /** The kinds of data the property tests cover. */
  enum Data {
    /** Independent uniform bits. */
    UNIFORM,
    /** A few centres, each bit flipped with probability 0.05: near neighbours like real codes. */
    CLUSTERED,
    /** Five distinct codes shared by all documents: nearly everything ties. */
    DUPLICATES,
    /** Sparse codes (bits set with probability 0.1) searched with dense queries: all far away. */
    FAR
  }

  /** Documents per tag value 0..3; tag "rare" marks about 2% of the documents. */
  static final int TAGS = 4;

  final int bits;
  final int substrings;
  final Data data;
  final HashCode[] codeById; // null: no code
  final boolean[] liveById;
  final int[] tagById;
  final boolean[] rareById;
  private final HashCode[] centres;
  final Directory dir;
  final IndexReader reader;
  final IndexSearcher searcher;

  /** The model id of each doc of the searcher's reader. */
  final int[] idByDoc;

  private CodeIndex(int bits, int substrings, Data data, int n, Random random, Options options)
      throws IOException {
    this.bits = bits;
    this.substrings = substrings;
    this.data = data;
    this.codeById = new HashCode[n];
    this.liveById = new boolean[n];
    this.tagById = new int[n];
    this.rareById = new boolean[n];
    this.centres = new HashCode[data == Data.DUPLICATES ? 5 : 8];
    for (int c = 0; c < centres.length; c++) {
      centres[c] = randomCode(random, bits, 0.5);
    }
    this.dir = LuceneTestCase.newDirectory(random);
    IndexWriterConfig config = LuceneTestCase.newIndexWriterConfig(random, null);
    config.setMaxBufferedDocs(TestUtil.nextInt(random, Math.max(2, n / 6), Math.max(3, n / 2)));
    try (RandomIndexWriter writer = new RandomIndexWriter(random, dir, config)) {
      for (int id = 0; id < n; id++) {
        codeById[id] = random.nextDouble() < options.missingRate ? null : dataCode(random);
        tagById[id] = random.nextInt(TAGS);
        rareById[id] = random.nextInt(50) == 0;
        liveById[id] = true;
        writer.addDocument(
            document(id, random.nextDouble() < options.noTermsRate ? 0 : substrings));
      }
      for (int id = 0; id < n; id++) {
        double p = random.nextDouble();
        if (p < options.deleteRate) {
          writer.deleteDocuments(new Term("id", Integer.toString(id)));
          liveById[id] = false;
        } else if (p < options.deleteRate + options.updateRate) {
          codeById[id] = dataCode(random); // re-indexed in place with a new code
          writer.updateDocument(new Term("id", Integer.toString(id)), document(id, substrings));
        } else if (p < options.deleteRate + options.updateRate + options.docValuesUpdateRate
            && codeById[id] != null) {
          codeById[id] = dataCode(random);
          writer.updateBinaryDocValue(
              new Term("id", Integer.toString(id)), FIELD, new BytesRef(codeById[id].bytes()));
        }
      }
      this.reader = writer.getReader();
    }
    this.searcher = LuceneTestCase.newSearcher(reader);
    this.idByDoc = new int[searcher.getIndexReader().maxDoc()];
    Arrays.fill(idByDoc, -1);
    for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
      NumericDocValues ids = leaf.reader().getNumericDocValues("id");
      for (int doc = ids.nextDoc(); doc != NumericDocValues.NO_MORE_DOCS; doc = ids.nextDoc()) {
        idByDoc[leaf.docBase + doc] = (int) ids.longValue();
      }
    }
  }

  /** What to vary besides the data. */
  static final class Options {
    double missingRate = 0.05;
    double deleteRate = 0.1;
    double updateRate = 0.03;
    double docValuesUpdateRate = 0;
    double noTermsRate = 0;

    static Options none() {
      Options o = new Options();
      o.missingRate = 0;
      o.deleteRate = 0;
      o.updateRate = 0;
      return o;
    }
  }

  static CodeIndex build(Random random, int bits, int substrings, Data data, int n, Options options)
      throws IOException {
    return new CodeIndex(bits, substrings, data, n, random, options);
  }

  private Document document(int id, int m) {
    Document doc = new Document();
    doc.add(new StringField("id", Integer.toString(id), Field.Store.NO));
    doc.add(new NumericDocValuesField("id", id));
    doc.add(new StringField("tag", "t" + tagById[id], Field.Store.NO));
    if (rareById[id]) {
      doc.add(new StringField("tag", "rare", Field.Store.NO));
    }
    if (codeById[id] != null) {
      HashCodeField.addTo(doc, FIELD, codeById[id], m);
    }
    return doc;
  }

  static HashCode randomCode(Random random, int bits, double ones) {
    float[] signs = new float[bits];
    for (int i = 0; i < bits; i++) {
      signs[i] = random.nextDouble() < ones ? 1 : -1;
    }
    return HashCode.fromSigns(signs);
  }

  static HashCode flip(Random random, HashCode code, double p) {
    float[] signs = new float[code.bits()];
    for (int i = 0; i < signs.length; i++) {
      boolean bit = code.bit(i) ^ (random.nextDouble() < p);
      signs[i] = bit ? 1 : -1;
    }
    return HashCode.fromSigns(signs);
  }

  private HashCode dataCode(Random random) {
    switch (data) {
      case UNIFORM:
        return randomCode(random, bits, 0.5);
      case CLUSTERED:
        return flip(random, centres[random.nextInt(centres.length)], 0.05);
      case DUPLICATES:
        return centres[random.nextInt(centres.length)];
      case FAR:
        return randomCode(random, bits, 0.1);
      default:
        throw new AssertionError(data);
    }
  }

  /**
   * A query code: for FAR data a dense code, otherwise an indexed code, a near one, or a random
   * one.
   */
  HashCode query(Random random) {
    if (data == Data.FAR) {
      return randomCode(random, bits, 0.9);
    }
    int choice = random.nextInt(4);
    HashCode some = null;
    for (int tries = 0; tries < 10 && some == null; tries++) {
      some = codeById[random.nextInt(codeById.length)];
    }
    if (some == null || choice == 3) {
      return randomCode(random, bits, 0.5);
    }
    return choice == 0 ? some : flip(random, some, 0.03 * choice);
  }

  /**
   * A random filter: one tag (about a quarter of the documents) or the rare tag (fewer than k,
   * often).
   */
  static Query filter(Random random) {
    return random.nextInt(3) == 0
        ? new TermQuery(new Term("tag", "rare"))
        : new TermQuery(new Term("tag", "t" + random.nextInt(TAGS)));
  }

  /** Whether the model says id matches the filter built by {@link #filter}. */
  boolean accepts(Query filter, int id) {
    if (filter == null) {
      return true;
    }
    String tag = ((TermQuery) filter).getTerm().text();
    return tag.equals("rare") ? rareById[id] : tag.equals("t" + tagById[id]);
  }

  /**
   * The brute-force top-k: every live doc of the searcher's reader with a code that the filter
   * accepts, ordered by distance then doc id.
   */
  List<HammingHit> bruteForce(HashCode query, int k, IntPredicate acceptId) {
    return bruteForce(k, acceptId, code -> code.distance(query));
  }

  /** The brute-force top-k by any {@code distance} to the query, ties by the lower doc id. */
  List<HammingHit> bruteForce(int k, IntPredicate acceptId, ToIntFunction<HashCode> distance) {
    List<HammingHit> hits = new ArrayList<>();
    for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
      Bits live = leaf.reader().getLiveDocs();
      for (int doc = 0; doc < leaf.reader().maxDoc(); doc++) {
        if (live != null && !live.get(doc)) {
          continue;
        }
        int id = idByDoc[leaf.docBase + doc];
        if (id < 0 || !liveById[id] || codeById[id] == null || !acceptId.test(id)) {
          continue;
        }
        hits.add(new HammingHit(leaf.docBase + doc, distance.applyAsInt(codeById[id])));
      }
    }
    return hits.stream()
        .sorted(Comparator.comparingInt(HammingHit::distance).thenComparingInt(HammingHit::doc))
        .limit(k)
        .toList();
  }

  /** A random k from 1 to 1000, weighted towards small values. */
  static int randomK(Random random) {
    switch (random.nextInt(4)) {
      case 0:
        return 1;
      case 1:
        return TestUtil.nextInt(random, 2, 20);
      case 2:
        return TestUtil.nextInt(random, 21, 200);
      default:
        return TestUtil.nextInt(random, 201, 1000);
    }
  }

  /** Substrings of random lengths between minLength and maxLength bits (often unequal). */
  static int randomSubstrings(Random random, int bits, int minLength, int maxLength) {
    int length = TestUtil.nextInt(random, minLength, maxLength);
    return Math.min(Math.min(bits, MultiIndexHashing.MAX_SUBSTRINGS), (bits + length - 1) / length);
  }

  @Override
  public void close() throws IOException {
    reader.close();
    dir.close();
  }
}
