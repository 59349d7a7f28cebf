package org.texhash.trainer.hashing;

import java.util.Arrays;
import java.util.List;

/** Where the hashing head's multi-scale maps come from; {@link #id} is the command-line name. */
public enum BackboneKind {
  /** The paper's: a trained G, frozen ({@link TsnTaps}). */
  TSN("tsn"),
  /** A trained G whose map path trains with the head ({@link TunedTsnTaps}); not in the paper. */
  TUNED_TSN("tsn-tuned"),
  /** A plain CNN trained from scratch with the head, no TSN ({@link PlainCnn}). */
  CNN("cnn");

  private final String id;

  BackboneKind(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  /** Whether the taps come from a trained G (so a {@code --tsn} folder is needed). */
  public boolean readsTsn() {
    return this != CNN;
  }

  public static List<String> ids() {
    return Arrays.stream(values()).map(BackboneKind::id).toList();
  }

  public static BackboneKind of(String id) {
    for (BackboneKind k : values()) {
      if (k.id.equals(id)) {
        return k;
      }
    }
    throw new IllegalArgumentException(
        "backbone must be one of " + String.join(", ", ids()) + ", got " + id);
  }
}
