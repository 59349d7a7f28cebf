package org.texhash.cli.serve;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.SearcherFactory;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.texhash.indexer.encoder.Encoder;
import org.texhash.indexer.encoder.EncoderMismatchException;
import org.texhash.indexer.index.IndexInfo;
import org.texhash.indexer.search.TextureSearcher;

/**
 * An index that a server keeps open while {@code texhash index} updates it: Lucene's {@link
 * SearcherManager} swaps in the latest commit, checked before every request (a cheap comparison of
 * commit generations), so added and removed images show up without a restart, and a request in
 * flight keeps the point-in-time view it started with.
 */
public final class LiveIndex implements Closeable {
  private final Path dir;
  private final Directory directory;
  private final SearcherManager manager;

  private LiveIndex(Path dir, Directory directory, SearcherManager manager) {
    this.dir = dir;
    this.directory = directory;
    this.manager = manager;
  }

  /**
   * Opens the texhash index at {@code dir}.
   *
   * @throws IllegalArgumentException when there is none, or a Lucene index texhash did not write
   */
  public static LiveIndex open(Path dir) throws IOException {
    String missing =
        "no index at " + dir + " (build one with: texhash index DIR --index " + dir + ")";
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException(missing);
    }
    Directory directory = FSDirectory.open(dir);
    try {
      if (!DirectoryReader.indexExists(directory)) {
        throw new IllegalArgumentException(missing);
      }
      SearcherManager manager = new SearcherManager(directory, new ViewFactory());
      LiveIndex live = new LiveIndex(dir, directory, manager);
      try (View view = live.acquire()) {
        view.info(); // a Lucene index without texhash's commit data is refused here, at start
      } catch (IOException | RuntimeException e) {
        manager.close();
        throw e;
      }
      return live;
    } catch (IOException | RuntimeException e) {
      directory.close();
      throw e;
    }
  }

  /** The latest committed view; close it when the request is done. */
  public View acquire() throws IOException {
    manager.maybeRefresh(); // non-blocking: when another request is refreshing, this one uses the
    // current view
    return new View(manager, (InfoSearcher) manager.acquire(), dir);
  }

  @Override
  public void close() throws IOException {
    try {
      manager.close();
    } finally {
      directory.close();
    }
  }

  /** One point-in-time view of the index. */
  public static final class View implements Closeable {
    private final SearcherManager manager;
    private final InfoSearcher searcher;
    private final Path dir;

    private View(SearcherManager manager, InfoSearcher searcher, Path dir) {
      this.manager = manager;
      this.searcher = searcher;
      this.dir = dir;
    }

    /** What this view's commit records. */
    public IndexInfo info() {
      if (searcher.info == null) {
        throw new IllegalArgumentException(dir + " is a Lucene index that texhash did not write");
      }
      return searcher.info;
    }

    /** A searcher for code and path queries. */
    public TextureSearcher searcher() {
      return TextureSearcher.over(searcher, info(), dir);
    }

    /**
     * A searcher that also hashes images, with {@code encoder} (the server's, shared by views).
     *
     * @throws EncoderMismatchException when this view's index was rebuilt with another encoder
     */
    public TextureSearcher searcher(Encoder encoder) {
      return TextureSearcher.over(searcher, info(), dir, encoder);
    }

    public IndexReader reader() {
      return searcher.getIndexReader();
    }

    @Override
    public void close() throws IOException {
      manager.release(searcher);
    }
  }

  /** A searcher that carries its commit's {@link IndexInfo}, read once per refresh. */
  private static final class InfoSearcher extends IndexSearcher {
    final IndexInfo info;

    InfoSearcher(IndexReader reader, IndexInfo info) {
      super(reader);
      this.info = info;
    }
  }

  private static final class ViewFactory extends SearcherFactory {
    @Override
    public IndexSearcher newSearcher(IndexReader reader, IndexReader previous) throws IOException {
      Optional<IndexInfo> info =
          IndexInfo.fromUserData(((DirectoryReader) reader).getIndexCommit().getUserData());
      return new InfoSearcher(reader, info.orElse(null));
    }
  }
}
