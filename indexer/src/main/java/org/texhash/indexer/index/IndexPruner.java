package org.texhash.indexer.index;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;

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
            .orElseThrow(
                () ->
                    new IllegalArgumentException("no texhash index at " + indexDir + " to prune"));
    try (Directory dir = FSDirectory.open(indexDir);
        IndexWriter writer =
            FolderIndexer.openWriter(dir, indexDir, IndexWriterConfig.OpenMode.APPEND)) {
      List<String> gone;
      try (DirectoryReader reader = DirectoryReader.open(writer)) {
        gone =
            IndexFields.liveStates(reader).stream()
                .map(IndexFields.FileState::path)
                .filter(p -> !Files.isRegularFile(IndexFields.toPath(p)))
                .toList();
      }
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
