package org.texhash.indexer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.LockObtainFailedException;
import org.apache.lucene.util.Bits;

/**
 * Drops the documents whose file no longer exists, whatever folder they were indexed from: what a
 * moved or deleted folder leaves behind, which {@link FolderIndexer} cannot reach because it only
 * looks under the folder it is given.
 */
public final class IndexPruner {
  private IndexPruner() {}

  /**
   * Deletes the document of every indexed path that is no longer a file (a dangling link counts as
   * gone) and commits, keeping the index's {@link IndexInfo}.
   *
   * @return the paths whose documents were deleted, in index order
   * @throws IllegalArgumentException when there is no texhash index at {@code indexDir}
   * @throws IOException when the index cannot be written (locked by a running index, full disk...)
   */
  public static List<String> prune(Path indexDir) throws IOException {
    IndexInfo info =
        IndexInfo.read(indexDir)
            .orElseThrow(() -> new IllegalArgumentException("no texhash index at " + indexDir + " to prune"));
    try (Directory dir = FSDirectory.open(indexDir)) {
      IndexWriterConfig config = new IndexWriterConfig().setCommitOnClose(false);
      config.setOpenMode(IndexWriterConfig.OpenMode.APPEND);
      IndexWriter writer;
      try {
        writer = new IndexWriter(dir, config);
      } catch (LockObtainFailedException e) {
        throw new IOException("index " + indexDir + " is locked: a texhash index run is writing it", e);
      }
      try (writer) {
        List<String> gone = missingFiles(writer);
        for (String path : gone) {
          writer.deleteDocuments(IndexFields.key(path));
        }
        if (!gone.isEmpty()) {
          writer.setLiveCommitData(info.toUserData().entrySet());
          writer.commit();
        }
        return gone;
      }
    }
  }

  private static List<String> missingFiles(IndexWriter writer) throws IOException {
    List<String> gone = new ArrayList<>();
    try (DirectoryReader reader = DirectoryReader.open(writer)) {
      for (LeafReaderContext leaf : reader.leaves()) {
        Bits live = leaf.reader().getLiveDocs();
        StoredFields stored = leaf.reader().storedFields();
        for (int doc = 0; doc < leaf.reader().maxDoc(); doc++) {
          if (live == null || live.get(doc)) {
            IndexFields.read(stored, doc).map(IndexFields.FileState::path).filter(p -> !Files.isRegularFile(IndexFields.toPath(p))).ifPresent(gone::add);
          }
        }
      }
    }
    return gone;
  }
}
