package org.texhash.indexer.encoder;

/**
 * An index was opened with an encoder other than the one it was built with. Its message names both
 * and says what to do; it is a usage error (the command line chose the wrong encoder).
 */
public class EncoderMismatchException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public EncoderMismatchException(String message) {
    super(message);
  }
}
