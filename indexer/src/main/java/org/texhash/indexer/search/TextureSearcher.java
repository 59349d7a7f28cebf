package org.texhash.indexer.search;

import java.awt.image.BufferedImage;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.PrefixQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.texhash.indexer.encoder.Encoder;
import org.texhash.indexer.encoder.ImageCodes;
import org.texhash.indexer.image.ImageDecodeException;
import org.texhash.indexer.image.ImageLoader;
import org.texhash.indexer.index.FolderIndexer;
import org.texhash.indexer.index.IndexFields;
import org.texhash.indexer.index.IndexFields.FileState;
import org.texhash.indexer.index.IndexInfo;
import org.texhash.lucene.BitWeights;
import org.texhash.lucene.HammingCollectorManager;
import org.texhash.lucene.HammingHit;
import org.texhash.lucene.HammingHits;
import org.texhash.lucene.HammingKnnQuery;
import org.texhash.lucene.HammingRadiusQuery;
import org.texhash.lucene.HashCode;

/**
 * Searches an index written by {@link FolderIndexer}: by image (hashed with the index's encoder
 * through {@link ImageCodes}), by the path of an indexed image, or by a code; the k nearest codes
 * or every code within a Hamming radius; optionally only among paths that start with a prefix.
 * Results are exact (the Lucene plugin's Hamming queries), nearest first, ties by index order.
 *
 * <p>The searcher owns its query encoder: the one the index records ({@link IndexInfo}), or an
 * explicit override. It is opened, and checked against the index, once, at the first image query;
 * code and path queries never open it.
 *
 * <pre>
 *   try (TextureSearcher s = TextureSearcher.open(Path.of("idx"))) {
 *     List&lt;Hit&gt; hits = s.nearest(s.codeOfImage(Path.of("query.png")), 10, null);
 *   }
 * </pre>
 */
public final class TextureSearcher implements Closeable {
  /** One result: the indexed path, its Hamming distance to the query, and 1 / (1 + distance). */
  public record Hit(String path, int distance, float score) {}

  /** {@link #sameContent} reads at most this many documents at distance 0. */
  private static final int MAX_COPIES = 1000;

  private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]+");

  private final Path indexDir;
  private final Directory directory; // null when the caller owns the reader
  private final DirectoryReader reader;
  private final IndexSearcher searcher;
  private final IndexInfo info;
  private final QueryEncoder queryEncoder;

  private TextureSearcher(
      Path indexDir,
      Directory directory,
      IndexSearcher searcher,
      IndexInfo info,
      QueryEncoder queryEncoder) {
    this.indexDir = indexDir;
    this.directory = directory;
    this.reader = (DirectoryReader) searcher.getIndexReader();
    this.searcher = searcher;
    this.info = info;
    this.queryEncoder = queryEncoder;
  }

  /**
   * A searcher over a point-in-time view the caller owns, such as one acquired from Lucene's {@code
   * SearcherManager} (a server that follows an index while it is updated); {@link #close} leaves it
   * open. {@code info} is what that view's commit records. It answers code and path queries; image
   * queries need {@link #over(IndexSearcher, IndexInfo, Path, Encoder)}.
   */
  public static TextureSearcher over(IndexSearcher searcher, IndexInfo info, Path indexDir) {
    return over(searcher, info, indexDir, QueryEncoder.NONE);
  }

  /**
   * {@link #over(IndexSearcher, IndexInfo, Path)} with the query encoder {@code encoder}, which the
   * caller owns (a server opens it once and shares it between views).
   *
   * @throws EncoderMismatchException when {@code encoder} is not the view's encoder
   */
  public static TextureSearcher over(
      IndexSearcher searcher, IndexInfo info, Path indexDir, Encoder encoder) {
    info.checkCompatible(encoder, indexDir);
    return over(searcher, info, indexDir, QueryEncoder.shared(encoder));
  }

  private static TextureSearcher over(
      IndexSearcher searcher, IndexInfo info, Path indexDir, QueryEncoder queryEncoder) {
    if (!(searcher.getIndexReader() instanceof DirectoryReader)) {
      throw new IllegalArgumentException(
          "a TextureSearcher needs a searcher over a DirectoryReader");
    }
    return new TextureSearcher(indexDir, null, searcher, info, queryEncoder);
  }

  /**
   * Opens the latest commit of the index at {@code indexDir}; image queries are hashed with the
   * encoder the index records.
   *
   * @throws IllegalArgumentException when there is no texhash index there
   */
  public static TextureSearcher open(Path indexDir) throws IOException {
    return open(indexDir, null);
  }

  /**
   * {@link #open(Path)} hashing image queries with {@code encoder} (an id or .onnx file, as {@link
   * org.texhash.indexer.encoder.Encoders#open} takes it) instead of the recorded one; null for the
   * recorded one. Either way it is refused at the first image query unless it is the index's
   * encoder.
   */
  public static TextureSearcher open(Path indexDir, String encoder) throws IOException {
    IndexInfo.checkNotAFile(indexDir);
    if (!Files.isDirectory(indexDir)) {
      throw new IllegalArgumentException(
          "no index at "
              + indexDir
              + " (build one with: texhash index DIR --index "
              + indexDir
              + ")");
    }
    Directory dir = FSDirectory.open(indexDir);
    try {
      if (!DirectoryReader.indexExists(dir)) {
        throw new IllegalArgumentException(
            "no index at "
                + indexDir
                + " (build one with: texhash index DIR --index "
                + indexDir
                + ")");
      }
      DirectoryReader reader = DirectoryReader.open(dir);
      IndexInfo info =
          IndexInfo.fromUserData(reader.getIndexCommit().getUserData())
              .orElseThrow(
                  () -> {
                    closeQuietly(reader);
                    return new IllegalArgumentException(
                        indexDir + " is a Lucene index that texhash did not write");
                  });
      return new TextureSearcher(
          indexDir, dir, new IndexSearcher(reader), info, QueryEncoder.owned(encoder));
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
   * The query encoder, opened (and checked against the index) at the first call.
   *
   * @throws IllegalArgumentException when it cannot be opened
   * @throws EncoderMismatchException when it is not the index's encoder
   */
  public Encoder encoder() throws IOException {
    return queryEncoder.get(info, indexDir);
  }

  /**
   * The code of an image file under the query encoder.
   *
   * @throws EncoderMismatchException when the query encoder is not the index's
   * @throws ImageDecodeException when the file cannot be decoded (the message is the reason)
   */
  public HashCode codeOfImage(Path image) throws IOException {
    Encoder encoder = encoder(); // before decoding: a mismatch is the more useful message
    return ImageCodes.code(encoder, ImageLoader.load(image));
  }

  /**
   * The pooled pre-sign features of an image file under the query encoder, whose signs are {@link
   * #codeOfImage(Path)}: what a {@link QueryDistance#WEIGHTED weighted} search weighs the bits by.
   *
   * @throws EncoderMismatchException when the query encoder is not the index's
   * @throws ImageDecodeException when the file cannot be decoded (the message is the reason)
   */
  public float[] featuresOfImage(Path image) throws IOException {
    Encoder encoder = encoder(); // before decoding: a mismatch is the more useful message
    return ImageCodes.features(encoder, ImageLoader.load(image));
  }

  /** The pooled pre-sign features of a decoded image under the query encoder. */
  public float[] featuresOfImage(BufferedImage image) throws IOException {
    return ImageCodes.features(encoder(), image);
  }

  /** The code of a decoded image under the query encoder. */
  public HashCode codeOfImage(BufferedImage image) throws IOException {
    return ImageCodes.code(encoder(), image);
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
    return code.orElseThrow(
        () -> new IllegalArgumentException("not in the index " + indexDir + ": " + path));
  }

  /**
   * A code given in hex, checked to have the index's length.
   *
   * @throws IllegalArgumentException saying how many hex digits the index expects when it is not
   *     hex or has another length
   */
  public HashCode parseCode(String hex) {
    String digits = hex == null ? "" : hex.strip();
    if (digits.isEmpty() || digits.length() % 2 != 0 || !HEX.matcher(digits).matches()) {
      throw new IllegalArgumentException("not a hex code: '" + hex + "'; " + codeForm());
    }
    HashCode code = HashCode.fromHex(digits);
    checkLength(code);
    return code;
  }

  /** How a code of this index is written, for messages. */
  private String codeForm() {
    int digits = info.bits() / 4;
    return "the index "
        + indexDir
        + " holds "
        + info.bits()
        + "-bit codes ("
        + info.encoderId()
        + "), written as "
        + digits
        + " hex digits without spaces, e.g. "
        + "0123456789abcdef".repeat(digits / 16 + 1).substring(0, digits);
  }

  /** What the index stores of the live document of {@code path} (as stored); empty when none. */
  public Optional<FileState> indexed(String path) throws IOException {
    TopDocs top = searcher.search(new TermQuery(IndexFields.key(path)), 1);
    return top.scoreDocs.length == 0
        ? Optional.empty()
        : IndexFields.read(searcher.storedFields(), top.scoreDocs[0].doc);
  }

  /**
   * The indexed documents that are the image file {@code image} itself: its own path, or another
   * path with the same bytes. {@code code} is its code under the index's encoder.
   */
  public List<String> documentsOfImage(Path image, HashCode code) throws IOException {
    Set<String> out = new LinkedHashSet<>();
    indexed(IndexFields.pathKey(image.toAbsolutePath().normalize()))
        .ifPresent(s -> out.add(s.path()));
    try {
      out.addAll(sameContent(code, FolderIndexer.sha256(ImageLoader.readBytes(image))));
    } catch (ImageDecodeException e) {
      throw new IOException("cannot read " + image + ": " + e.getMessage(), e);
    }
    return List.copyOf(out);
  }

  /** {@link #documentsOfImage} for an indexed path, as {@link #codeOfPath} takes it. */
  public List<String> documentsOfPath(String path) throws IOException {
    Optional<FileState> state = indexed(path);
    if (state.isEmpty()) {
      state = indexed(IndexFields.pathKey(Path.of(path).toAbsolutePath().normalize()));
    }
    if (state.isEmpty()) {
      return List.of();
    }
    Set<String> out = new LinkedHashSet<>();
    out.add(state.get().path());
    out.addAll(sameContent(codeOfPath(state.get().path()), state.get().sha256()));
    return List.copyOf(out);
  }

  /**
   * The paths of the documents whose file content has SHA-256 {@code sha256}. Equal content has an
   * equal code, so only the documents at distance 0 of {@code code} are read.
   */
  private List<String> sameContent(HashCode code, String sha256) throws IOException {
    List<String> out = new ArrayList<>();
    StoredFields stored = searcher.storedFields();
    int k = Math.max(1, Math.min(MAX_COPIES, reader.maxDoc()));
    HammingHits hits =
        searcher.search(
            new HammingRadiusQuery(IndexFields.CODE, code, 0),
            new HammingCollectorManager(IndexFields.CODE, code, k));
    for (HammingHit hit : hits) {
      IndexFields.read(stored, hit.doc())
          .filter(s -> sha256.equals(s.sha256()))
          .ifPresent(s -> out.add(s.path()));
    }
    return out;
  }

  /**
   * The {@code k} nearest documents, optionally only those whose path starts with {@code
   * pathPrefix}.
   */
  public List<Hit> nearest(HashCode code, int k, String pathPrefix) throws IOException {
    return nearest(code, k, pathPrefix, Set.of());
  }

  /**
   * {@link #nearest(HashCode, int, String)} leaving out the documents of the paths {@code
   * excluded}.
   */
  public List<Hit> nearest(HashCode code, int k, String pathPrefix, Set<String> excluded)
      throws IOException {
    return nearest(code, null, k, pathPrefix, excluded);
  }

  /**
   * {@link #nearest(HashCode, int, String, Set)} by the distance weighted by {@code weights}
   * ({@link BitWeights}; null for the Hamming distance).
   */
  public List<Hit> nearest(
      HashCode code, BitWeights weights, int k, String pathPrefix, Set<String> excluded)
      throws IOException {
    checkLength(code);
    int wanted = (int) Math.min(Integer.MAX_VALUE, (long) k + excluded.size());
    HammingHits top =
        new HammingKnnQuery(IndexFields.CODE, code, wanted, prefixFilter(pathPrefix))
            .withBitWeights(weights)
            .hits(searcher);
    return without(hits(top), excluded, k);
  }

  /**
   * Every document within Hamming distance {@code radius}, nearest first, at most {@code limit}
   * ({@link Integer#MAX_VALUE} for all); optionally only paths starting with {@code pathPrefix}.
   */
  public List<Hit> withinRadius(HashCode code, int radius, String pathPrefix, int limit)
      throws IOException {
    return withinRadius(code, radius, pathPrefix, limit, Set.of());
  }

  /**
   * {@link #withinRadius(HashCode, int, String, int)} leaving out the documents of the paths {@code
   * excluded}.
   */
  public List<Hit> withinRadius(
      HashCode code, int radius, String pathPrefix, int limit, Set<String> excluded)
      throws IOException {
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
    int k = (int) Math.max(1, Math.min((long) limit + excluded.size(), reader.maxDoc()));
    return without(
        hits(searcher.search(query, new HammingCollectorManager(IndexFields.CODE, code, k))),
        excluded,
        limit);
  }

  private static List<Hit> without(List<Hit> hits, Set<String> excluded, int limit) {
    return hits.stream().filter(h -> !excluded.contains(h.path())).limit(limit).toList();
  }

  private static Query prefixFilter(String pathPrefix) {
    return pathPrefix == null || pathPrefix.isEmpty()
        ? null
        : new PrefixQuery(new Term(IndexFields.PATH, pathPrefix));
  }

  private void checkLength(HashCode code) {
    if (code.bits() != info.bits()) {
      throw new IllegalArgumentException(
          "the query code has " + code.bits() + " bits; " + codeForm());
    }
  }

  private List<Hit> hits(HammingHits top) throws IOException {
    StoredFields stored = searcher.storedFields();
    List<Hit> out = new ArrayList<>(top.size());
    for (HammingHit hit : top) {
      String path = stored.document(hit.doc()).get(IndexFields.PATH);
      out.add(new Hit(path, hit.distance(), hit.score()));
    }
    return out;
  }

  @Override
  public void close() throws IOException {
    queryEncoder.close();
    if (directory == null) {
      return;
    }
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
