package org.texhash.indexer;

import java.awt.image.BufferedImage;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.PrefixQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.texhash.indexer.image.ImageDecodeException;
import org.texhash.indexer.image.ImageLoader;
import org.texhash.lucene.HammingCollectorManager;
import org.texhash.lucene.HammingKnnQuery;
import org.texhash.lucene.HammingRadiusQuery;
import org.texhash.lucene.HashCode;

/**
 * Searches an index written by {@link FolderIndexer}: by image (hashed with the index's encoder
 * through {@link ImageCodes}), by the path of an indexed image, or by a code; the k nearest codes
 * or every code within a Hamming radius; optionally only among paths that start with a prefix.
 * Results are exact (the Lucene plugin's Hamming queries), nearest first, ties by index order.
 *
 * <pre>
 *   try (TextureSearcher s = TextureSearcher.open(Path.of("idx"));
 *        Encoder e = Encoders.open(s.info().encoderSource())) {
 *     List&lt;Hit&gt; hits = s.nearest(s.codeOfImage(Path.of("query.png"), e), 10, null);
 *   }
 * </pre>
 */
public final class TextureSearcher implements Closeable {
  /** One result: the indexed path, its Hamming distance to the query, and 1 / (1 + distance). */
  public record Hit(String path, int distance, float score) {}

  private final Path indexDir;
  private final Directory directory;
  private final DirectoryReader reader;
  private final IndexSearcher searcher;
  private final IndexInfo info;

  private TextureSearcher(Path indexDir, Directory directory, DirectoryReader reader, IndexInfo info) {
    this.indexDir = indexDir;
    this.directory = directory;
    this.reader = reader;
    this.searcher = new IndexSearcher(reader);
    this.info = info;
  }

  /**
   * Opens the latest commit of the index at {@code indexDir}.
   *
   * @throws IllegalArgumentException when there is no texhash index there
   */
  public static TextureSearcher open(Path indexDir) throws IOException {
    if (!Files.isDirectory(indexDir)) {
      throw new IllegalArgumentException("no index at " + indexDir + " (build one with: texhash index DIR --index " + indexDir + ")");
    }
    Directory dir = FSDirectory.open(indexDir);
    try {
      if (!DirectoryReader.indexExists(dir)) {
        throw new IllegalArgumentException("no index at " + indexDir + " (build one with: texhash index DIR --index " + indexDir + ")");
      }
      DirectoryReader reader = DirectoryReader.open(dir);
      IndexInfo info =
          IndexInfo.fromUserData(reader.getIndexCommit().getUserData())
              .orElseThrow(
                  () -> {
                    closeQuietly(reader);
                    return new IllegalArgumentException(indexDir + " is a Lucene index that texhash did not write");
                  });
      return new TextureSearcher(indexDir, dir, reader, info);
    } catch (IOException | RuntimeException e) {
      dir.close();
      throw e;
    }
  }

  public IndexInfo info() {
    return info;
  }

  public IndexSearcher searcher() {
    return searcher;
  }

  /** Live documents. */
  public int numDocs() {
    return reader.numDocs();
  }

  /**
   * The code of an image file under {@code encoder}, which must be the index's encoder.
   *
   * @throws EncoderMismatchException when it is not
   * @throws ImageDecodeException when the file cannot be decoded (the message is the reason)
   */
  public HashCode codeOfImage(Path image, Encoder encoder) throws ImageDecodeException {
    info.checkCompatible(encoder, indexDir); // before decoding: a mismatch is the more useful message
    return codeOfImage(ImageLoader.load(image), encoder);
  }

  /** The code of a decoded image under {@code encoder}, which must be the index's encoder. */
  public HashCode codeOfImage(BufferedImage image, Encoder encoder) {
    info.checkCompatible(encoder, indexDir);
    return ImageCodes.code(encoder, image);
  }

  /**
   * The code of an indexed image, by its path as stored; a relative or unnormalised path is also
   * tried in its absolute normalised form (the form the indexer stores).
   *
   * @throws IllegalArgumentException when no document has that path
   */
  public HashCode codeOfPath(String path) throws IOException {
    var code = IndexFields.code(reader, path);
    if (code.isEmpty()) {
      String absolute = Path.of(path).toAbsolutePath().normalize().toString();
      code = IndexFields.code(reader, absolute);
    }
    return code.orElseThrow(() -> new IllegalArgumentException("not in the index " + indexDir + ": " + path));
  }

  /** A code given in hex, checked to have the index's length. */
  public HashCode parseCode(String hex) {
    HashCode code = HashCode.fromHex(hex == null ? null : hex.strip());
    checkLength(code);
    return code;
  }

  /** The {@code k} nearest documents, optionally only those whose path starts with {@code pathPrefix}. */
  public List<Hit> nearest(HashCode code, int k, String pathPrefix) throws IOException {
    checkLength(code);
    TopDocs top = searcher.search(new HammingKnnQuery(IndexFields.CODE, code, k, prefixFilter(pathPrefix)), k);
    return hits(top);
  }

  /**
   * Every document within Hamming distance {@code radius}, nearest first, at most {@code limit}
   * ({@link Integer#MAX_VALUE} for all); optionally only paths starting with {@code pathPrefix}.
   */
  public List<Hit> withinRadius(HashCode code, int radius, String pathPrefix, int limit) throws IOException {
    checkLength(code);
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, got " + limit);
    }
    Query query = new HammingRadiusQuery(IndexFields.CODE, code, radius);
    Query filter = prefixFilter(pathPrefix);
    if (filter != null) {
      query =
          new BooleanQuery.Builder()
              .add(query, BooleanClause.Occur.MUST)
              .add(filter, BooleanClause.Occur.FILTER)
              .build();
    }
    int k = Math.max(1, Math.min(limit, reader.maxDoc()));
    return hits(searcher.search(query, new HammingCollectorManager(IndexFields.CODE, code, k)));
  }

  private static Query prefixFilter(String pathPrefix) {
    return pathPrefix == null || pathPrefix.isEmpty() ? null : new PrefixQuery(new Term(IndexFields.PATH, pathPrefix));
  }

  private void checkLength(HashCode code) {
    if (code.bits() != info.bits()) {
      throw new IllegalArgumentException(
          "the query code has " + code.bits() + " bits, the index " + indexDir + " holds " + info.bits() + "-bit codes ("
              + info.encoderId() + ")");
    }
  }

  private List<Hit> hits(TopDocs top) throws IOException {
    StoredFields stored = searcher.storedFields();
    List<Hit> out = new ArrayList<>(top.scoreDocs.length);
    for (ScoreDoc sd : top.scoreDocs) {
      String path = stored.document(sd.doc).get(IndexFields.PATH);
      out.add(new Hit(path, HammingKnnQuery.distance(sd.score), sd.score));
    }
    return out;
  }

  @Override
  public void close() throws IOException {
    try {
      reader.close();
    } finally {
      directory.close();
    }
  }

  private static void closeQuietly(DirectoryReader reader) {
    try {
      reader.close();
    } catch (IOException e) {
      // already failing; the original error is the one to report
    }
  }
}
