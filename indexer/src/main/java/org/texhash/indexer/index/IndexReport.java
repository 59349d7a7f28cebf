package org.texhash.indexer.index;

import java.util.List;

/**
 * The outcome of one {@link FolderIndexer} run: images newly indexed or re-encoded, images left as
 * they were, documents deleted because their file is gone, non-image files ignored, and the image
 * files that were skipped with the reason.
 */
public record IndexReport(
    int indexed, int unchanged, int deleted, int ignored, List<FileError> errors) {
  public IndexReport {
    errors = List.copyOf(errors);
  }

  /** The number of image files skipped because they could not be read or decoded. */
  public int skipped() {
    return errors.size();
  }
}
