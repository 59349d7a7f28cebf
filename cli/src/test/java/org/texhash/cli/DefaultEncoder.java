package org.texhash.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.texhash.indexer.encoder.Encoder;
import org.texhash.indexer.encoder.Encoders;

/** The id of the encoder {@code texhash index} uses without --encoder (the shipped learned one). */
public final class DefaultEncoder {
  private static String id;

  private DefaultEncoder() {}

  public static synchronized String id() {
    if (id == null) {
      try (Encoder e = Encoders.open(Encoders.DEFAULT_ID)) {
        id = e.id();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return id;
  }
}
