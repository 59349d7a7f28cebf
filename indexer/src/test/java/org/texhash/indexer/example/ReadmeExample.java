package org.texhash.indexer.example;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.texhash.indexer.encoder.Encoder;
import org.texhash.indexer.encoder.Encoders;
import org.texhash.indexer.encoder.ImageCodes;
import org.texhash.indexer.image.ImageLoader;
import org.texhash.lucene.HammingHit;
import org.texhash.lucene.HammingKnnQuery;
import org.texhash.lucene.HashCode;
import org.texhash.lucene.HashCodeField;

/**
 * The Java API example of lucene-plugin/README.md, compiled and run by {@link ReadmeExampleTest},
 * which also checks that the README shows exactly the code between the markers below.
 */
final class ReadmeExample {
  private ReadmeExample() {}

  // README example: begin
  /** Indexes three images, then finds the 2 nearest stones to a query image. */
  static List<String> nearestStones(Path brick, Path cobble, Path grass, Path query)
      throws IOException {
    List<String> found = new ArrayList<>();
    try (Encoder encoder = Encoders.open("lbp-lsh-64");
        Directory dir = new ByteBuffersDirectory();
        IndexWriter writer = new IndexWriter(dir, new IndexWriterConfig())) {
      for (Path image : List.of(brick, cobble, grass)) {
        Document doc = new Document();
        doc.add(new StringField("path", image.toString(), Field.Store.YES));
        doc.add(new StringField("kind", image.equals(grass) ? "plant" : "stone", Field.Store.NO));
        HashCode code = ImageCodes.code(encoder, ImageLoader.load(image)); // one code per image
        HashCodeField.addTo(doc, "code", code, 0); // 0: no multi-index hashing terms
        writer.addDocument(doc);
      }
      writer.commit();
      HashCode code = ImageCodes.code(encoder, ImageLoader.load(query));
      Query stones = new TermQuery(new Term("kind", "stone")); // any Lucene query filters
      try (DirectoryReader reader = DirectoryReader.open(dir)) {
        IndexSearcher searcher = new IndexSearcher(reader);
        for (HammingHit hit : new HammingKnnQuery("code", code, 2, stones).hits(searcher)) {
          String path = searcher.storedFields().document(hit.doc()).get("path");
          found.add(path + " at distance " + hit.distance());
        }
      }
    }
    return found;
  }
  // README example: end
}
