package org.texhash.indexer.index;

import java.io.IOException;
import java.net.URI;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.BytesRef;
import org.texhash.lucene.HashCode;
import org.texhash.lucene.HashCodeField;

/**
 * The document of one indexed image: the names of its fields and how a document is written and read
 * back (the index layout of docs/ARCHITECTURE.md). {@link FolderIndexer} writes these documents;
 * {@code search.TextureSearcher} and the Solr plugin's users read them.
 *
 * <ul>
 *   <li>{@value #PATH}: the absolute, normalised file path ({@link #pathKey}: a {@code file:} URI
 *       when the name's bytes do not decode losslessly); indexed as one term (the unique key
 *       documents are updated by) and stored;
 *   <li>{@value #SIZE}, {@value #MODIFIED} (epoch milliseconds), {@value #SHA256} (hex of the
 *       file's bytes), {@value #WIDTH}, {@value #HEIGHT} (decoded, upright): stored, for
 *       incremental runs and for display;
 *   <li>{@value #CODE}: the hash code, via {@link HashCodeField} (binary doc values, plus the
 *       multi-index hashing terms in {@code code_mih}).
 * </ul>
 */
public final class IndexFields {
  public static final String PATH = "path";
  public static final String SIZE = "size";
  public static final String MODIFIED = "modified";
  public static final String SHA256 = "sha256";
  public static final String WIDTH = "width";
  public static final String HEIGHT = "height";
  public static final String CODE = "code";

  private IndexFields() {}

  /** What the index remembers of a file, to tell whether it changed. */
  public record FileState(
      String path, long size, long modified, String sha256, int width, int height) {}

  /**
   * The stored form of a file's path, its key: the absolute path as a string when that string names
   * the same file again, else the file's {@code file:} URI, which percent-escapes the file system's
   * bytes ({@code file:///photos/x-%FF.png} for a name that is not valid in the platform encoding).
   * The string form would decode such bytes to U+FFFD and make several files one document whose
   * path opens nothing; the URI keeps them apart and opens with {@link #toPath}.
   */
  public static String pathKey(Path file) {
    Path absolute = file.toAbsolutePath();
    String s = absolute.toString();
    try {
      if (Path.of(s).equals(absolute)) {
        return s;
      }
    } catch (InvalidPathException e) {
      // not representable as a string: the URI below is
    }
    return absolute.toUri().toString();
  }

  /** The file a stored {@link #PATH} names (either form of {@link #pathKey}). */
  public static Path toPath(String key) {
    return key.startsWith("file:") ? Path.of(URI.create(key)) : Path.of(key);
  }

  /** The stored state of every live image document of {@code reader}, in index order. */
  public static List<FileState> liveStates(IndexReader reader) throws IOException {
    List<FileState> out = new ArrayList<>();
    for (LeafReaderContext leaf : reader.leaves()) {
      Bits live = leaf.reader().getLiveDocs();
      StoredFields stored = leaf.reader().storedFields();
      for (int doc = 0; doc < leaf.reader().maxDoc(); doc++) {
        if (live == null || live.get(doc)) {
          read(stored, doc).ifPresent(out::add);
        }
      }
    }
    return out;
  }

  /** The key term of a path. */
  public static Term key(String path) {
    return new Term(PATH, path);
  }

  /** A complete document for {@code file} with {@code code}. */
  public static Document document(FileState file, HashCode code, int mihSubstrings) {
    Document doc = new Document();
    doc.add(new StringField(PATH, file.path(), Field.Store.YES));
    doc.add(new StoredField(SIZE, file.size()));
    doc.add(new StoredField(MODIFIED, file.modified()));
    doc.add(new StoredField(SHA256, file.sha256()));
    doc.add(new StoredField(WIDTH, file.width()));
    doc.add(new StoredField(HEIGHT, file.height()));
    HashCodeField.addTo(doc, CODE, code, mihSubstrings);
    return doc;
  }

  /** The stored state of document {@code doc}, or empty when it is not an image document. */
  public static Optional<FileState> read(StoredFields stored, int doc) throws IOException {
    Document d = stored.document(doc);
    String path = d.get(PATH);
    if (path == null) {
      return Optional.empty();
    }
    return Optional.of(
        new FileState(
            path,
            number(d, SIZE),
            number(d, MODIFIED),
            d.get(SHA256),
            (int) number(d, WIDTH),
            (int) number(d, HEIGHT)));
  }

  /**
   * The code of the live document whose path is {@code path}, read from the doc values; empty when
   * no live document has that path or it has no code.
   */
  public static Optional<HashCode> code(IndexReader reader, String path) throws IOException {
    Term key = key(path);
    for (LeafReaderContext leaf : reader.leaves()) {
      PostingsEnum postings = leaf.reader().postings(key, PostingsEnum.NONE);
      if (postings == null) {
        continue;
      }
      Bits live = leaf.reader().getLiveDocs();
      for (int doc = postings.nextDoc();
          doc != DocIdSetIterator.NO_MORE_DOCS;
          doc = postings.nextDoc()) {
        if (live != null && !live.get(doc)) {
          continue;
        }
        Optional<HashCode> code = code(leaf.reader(), doc);
        if (code.isPresent()) {
          return code;
        }
      }
    }
    return Optional.empty();
  }

  /** The code of document {@code doc} of a segment, or empty when it has none. */
  public static Optional<HashCode> code(LeafReader segment, int doc) throws IOException {
    BinaryDocValues values = segment.getBinaryDocValues(CODE);
    if (values == null || !values.advanceExact(doc)) {
      return Optional.empty();
    }
    BytesRef b = values.binaryValue();
    return Optional.of(HashCode.fromBytes(b.bytes, b.offset, b.length));
  }

  private static long number(Document d, String field) {
    Number n = d.getField(field) == null ? null : d.getField(field).numericValue();
    return n == null ? -1 : n.longValue();
  }
}
