package org.texhash.lucene;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.apache.lucene.tests.util.TestUtil;

/** The in-memory substring tables list exactly the documents of each substring value, ascending. */
public class TestSubstringTable extends LuceneTestCase {

  public void testRunsMatchBruteForceGrouping() throws IOException {
    Random random = random();
    // (bits, m): 8-bit substrings (direct-addressed), 32- and 64-bit ones (sorted, 64-bit values
    // negative too), unequal lengths spanning words
    int[][] layouts = {{32, 4}, {64, 2}, {128, 2}, {72, 5}, {256, 16}};
    for (int[] layout : layouts) {
      int bits = layout[0];
      int m = layout[1];
      int docs = TestUtil.nextInt(random, 1, 300);
      HashCode[] codes = new HashCode[docs];
      try (Directory dir = new ByteBuffersDirectory()) {
        // one flushed segment, no merges: doc ids are the insertion order the model assumes
        try (IndexWriter w = new IndexWriter(dir, new IndexWriterConfig().setRAMBufferSizeMB(64))) {
          HashCode[] pool = new HashCode[1 + random.nextInt(20)]; // duplicates share runs
          for (int i = 0; i < pool.length; i++) {
            pool[i] = randomCode(random, bits);
          }
          for (int d = 0; d < docs; d++) {
            Document doc = new Document();
            doc.add(new StringField("id", Integer.toString(d), Field.Store.NO));
            if (random.nextInt(10) > 0) { // some documents have no code
              codes[d] =
                  random.nextBoolean()
                      ? pool[random.nextInt(pool.length)]
                      : randomCode(random, bits);
              HashCodeField.addTo(doc, "code", codes[d], m);
            }
            w.addDocument(doc);
          }
        }
        try (DirectoryReader reader = DirectoryReader.open(dir)) {
          LeafReader leaf = reader.leaves().get(0).reader();
          SegmentCodes segment = SegmentCodes.forQuery(leaf, "code", randomCode(random, bits));
          if (segment == null) {
            continue;
          }
          SubstringTable table = segment.substringTable(m);
          assertSame("built once and kept with the codes", table, segment.substringTable(m));
          for (int j = 0; j < m; j++) {
            int start = MultiIndexHashing.start(bits, m, j);
            int length = MultiIndexHashing.length(bits, m, j);
            List<Long> probes = new ArrayList<>();
            for (HashCode code : codes) {
              if (code != null) {
                probes.add(MultiIndexHashing.substring(code.words(), start, length));
              }
            }
            for (int t = 0; t < 5; t++) {
              probes.add(
                  MultiIndexHashing.substring(randomCode(random, bits).words(), start, length));
            }
            for (long value : probes) {
              List<Integer> expected = new ArrayList<>();
              for (int d = 0; d < docs; d++) {
                if (codes[d] != null
                    && MultiIndexHashing.substring(codes[d].words(), start, length) == value) {
                  expected.add(d);
                }
              }
              List<Integer> actual = new ArrayList<>();
              int slot = table.start(j, value);
              if (slot >= 0) {
                for (int p = table.begin(j, slot); p < table.end(j, slot); p++) {
                  int doc = table.docs(j)[p];
                  actual.add(doc);
                  if (bits <= 64) { // one-word codes are copied next to their documents
                    assertEquals(codes[doc].words()[0], table.codes(j)[p]);
                  }
                }
                if (bits > 64) {
                  assertNull(table.codes(j));
                }
              }
              assertEquals(
                  "bits=" + bits + " m=" + m + " j=" + j + " value=" + value, expected, actual);
            }
          }
        }
      }
    }
  }

  public void testWordMaskCoversTheRange() {
    for (int from = 0; from < 64; from++) {
      for (int to = from + 1; to <= 64; to++) {
        long mask = MultiIndexSearch.wordMask(from, to);
        for (int bit = 0; bit < 64; bit++) {
          boolean set = ((mask >>> (63 - bit)) & 1) != 0;
          assertEquals(from + ".." + to + " bit " + bit, bit >= from && bit < to, set);
        }
      }
    }
  }

  private static HashCode randomCode(Random random, int bits) {
    byte[] bytes = new byte[bits / 8];
    random.nextBytes(bytes);
    return HashCode.fromBytes(bytes);
  }
}
