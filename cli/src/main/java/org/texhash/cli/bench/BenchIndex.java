package org.texhash.cli.bench;

import java.io.Closeable;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnByteVectorField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LogDocMergePolicy;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.store.FSDirectory;
import org.texhash.indexer.io.Folders;
import org.texhash.lucene.HashCodeField;

/**
 * A throw-away on-disk Lucene index of the benchmark codes, in id order (document i is code i), so
 * Lucene doc ids and the raw scan's ids are the same numbers.
 *
 * <p>Documents are added from one thread, flushed into S segments of n/S documents, then
 * force-merged to at most S segments (a no-op unless the RAM buffer forced extra flushes) with
 * {@link LogDocMergePolicy}, which only merges adjacent segments and so keeps that order.
 */
final class BenchIndex implements Closeable {
  static final String CODE_FIELD = "code";
  static final String VECTOR_FIELD = "bits";

  private final Path dir;
  private final FSDirectory directory;
  private final DirectoryReader reader;
  final double buildSeconds;

  private BenchIndex(Path dir, FSDirectory directory, DirectoryReader reader, double buildSeconds) {
    this.dir = dir;
    this.directory = directory;
    this.reader = reader;
    this.buildSeconds = buildSeconds;
  }

  /**
   * Codes as {@link HashCodeField} doc values plus, when {@code mihSubstrings > 0}, the MIH
   * substring terms.
   */
  static BenchIndex hashCodes(
      PackedCodes codes, int mihSubstrings, int segments, PrintWriter progress) {
    return build(
        "codes",
        codes.size(),
        segments,
        256,
        progress,
        i -> {
          Document doc = new Document();
          HashCodeField.addTo(doc, CODE_FIELD, codes.code(i), mihSubstrings);
          return doc;
        });
  }

  /**
   * Codes as 0/1 byte vectors (K dimensions) in Lucene's default HNSW format with EUCLIDEAN
   * similarity: the squared L2 distance of two 0/1 vectors is their Hamming distance. The big RAM
   * buffer keeps the graph in one flush where it fits, because merging HNSW segments rebuilds
   * graphs.
   */
  static BenchIndex hnsw(PackedCodes codes, int segments, PrintWriter progress) {
    return build(
        "hnsw",
        codes.size(),
        segments,
        1800,
        progress,
        i -> {
          Document doc = new Document();
          doc.add(
              new KnnByteVectorField(
                  VECTOR_FIELD, codes.bitVectorOf(i), VectorSimilarityFunction.EUCLIDEAN));
          return doc;
        });
  }

  private static BenchIndex build(
      String name,
      int n,
      int segments,
      double ramBufferMb,
      PrintWriter progress,
      IntFunction<Document> docs) {
    long start = System.nanoTime();
    Path dir = null;
    FSDirectory directory = null;
    try {
      dir = Files.createTempDirectory("texhash-bench-" + name);
      directory = FSDirectory.open(dir);
      IndexWriterConfig config =
          new IndexWriterConfig()
              .setOpenMode(IndexWriterConfig.OpenMode.CREATE)
              .setRAMBufferSizeMB(ramBufferMb)
              .setUseCompoundFile(false)
              .setMergePolicy(adjacentOnly());
      try (IndexWriter writer = new IndexWriter(directory, config)) {
        int step = Math.max(1, n / 10);
        long perSegment = Math.max(1, ((long) n + segments - 1) / segments);
        for (int i = 0; i < n; i++) {
          writer.addDocument(docs.apply(i));
          if ((i + 1) % perSegment == 0 && i + 1 < n) {
            writer
                .flush(); // one segment per n/segments documents, so --segments S gives S segments
          }
          if ((i + 1) % step == 0) {
            progress.printf(Locale.ROOT, "  %s index: %,d / %,d documents%n", name, i + 1, n);
            progress.flush();
          }
        }
        writer.commit();
        progress.printf(
            Locale.ROOT, "  %s index: merging to at most %d segment(s)%n", name, segments);
        progress.flush();
        writer.forceMerge(segments);
        writer.commit();
      }
      DirectoryReader reader = DirectoryReader.open(directory);
      if (reader.maxDoc() != n) {
        throw new IllegalStateException(
            name + " index holds " + reader.maxDoc() + " documents, expected " + n);
      }
      return new BenchIndex(dir, directory, reader, (System.nanoTime() - start) / 1e9);
    } catch (IOException e) {
      closeQuietly(directory, dir);
      throw new UncheckedIOException("building the " + name + " index: " + e.getMessage(), e);
    }
  }

  /**
   * Merges adjacent segments only (doc order kept), and never while indexing: only in forceMerge.
   */
  private static LogDocMergePolicy adjacentOnly() {
    LogDocMergePolicy policy = new LogDocMergePolicy();
    policy.setMergeFactor(10_000);
    policy.setMaxMergeDocs(Integer.MAX_VALUE);
    return policy;
  }

  int segments() {
    return reader.leaves().size();
  }

  long sizeOnDiskBytes() {
    try (Stream<Path> files = Files.list(dir)) {
      return files.mapToLong(p -> p.toFile().length()).sum();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A searcher; with an executor, segments are searched in parallel. */
  IndexSearcher searcher(ExecutorService executor) {
    return executor == null ? new IndexSearcher(reader) : new IndexSearcher(reader, executor);
  }

  @Override
  public void close() {
    try {
      reader.close();
    } catch (IOException e) {
      // still delete the files
    }
    closeQuietly(directory, dir);
  }

  private static void closeQuietly(FSDirectory directory, Path dir) {
    try {
      if (directory != null) {
        directory.close();
      }
      if (dir != null) {
        Folders.deleteTree(dir);
      }
    } catch (IOException e) {
      // a temp directory left behind is not worth failing the benchmark for
    }
  }
}
