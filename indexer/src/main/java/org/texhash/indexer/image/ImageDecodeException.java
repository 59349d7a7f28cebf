package org.texhash.indexer.image;

import java.io.IOException;

/**
 * An image could not be turned into pixels. The message is the reason in words a user can act on
 * ("truncated JPEG", "empty file", "unsupported format ..."), without the path: callers that report
 * a file put the path beside it.
 */
public class ImageDecodeException extends IOException {
  private static final long serialVersionUID = 1L;

  public ImageDecodeException(String reason) {
    super(reason);
  }

  public ImageDecodeException(String reason, Throwable cause) {
    super(reason, cause);
  }
}
