package org.texhash.indexer.search;

import java.io.IOException;
import java.nio.file.Path;
import org.texhash.indexer.encoder.Encoder;
import org.texhash.indexer.index.IndexInfo;

/**
 * The query encoder of a {@link TextureSearcher}: none (code and path queries only), one the caller
 * shares and closes, or one the searcher opens at the first image query and closes itself.
 */
final class QueryEncoder implements AutoCloseable {
  static final QueryEncoder NONE = new QueryEncoder(null, null, false);

  private final String override; // null: the encoder the index records
  private final boolean owned;
  private Encoder encoder;

  private QueryEncoder(Encoder encoder, String override, boolean owned) {
    this.encoder = encoder;
    this.override = override;
    this.owned = owned;
  }

  /** An encoder the caller has checked against the index and closes itself. */
  static QueryEncoder shared(Encoder encoder) {
    return new QueryEncoder(encoder, null, false);
  }

  /** {@code override} (an id or .onnx file) or, when null, the index's recorded encoder. */
  static QueryEncoder owned(String override) {
    return new QueryEncoder(null, override, true);
  }

  /** The encoder; an owned one is opened, and checked against {@code info}, at the first call. */
  synchronized Encoder get(IndexInfo info, Path indexDir) throws IOException {
    if (encoder == null) {
      if (!owned) {
        throw new IllegalStateException(
            "this searcher has no query encoder: it answers code and path queries only");
      }
      encoder = info.openEncoder(override, indexDir);
    }
    return encoder;
  }

  @Override
  public synchronized void close() {
    if (owned && encoder != null) {
      encoder.close();
      encoder = null;
    }
  }
}
