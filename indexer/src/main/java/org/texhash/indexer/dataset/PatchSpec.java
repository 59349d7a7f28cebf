package org.texhash.indexer.dataset;

import java.util.Locale;

/**
 * One sampled patch: the square of side {@code size} at ({@code x}, {@code y}) of region {@code
 * region} (a quadrant 0..3, or -1 for the whole image) of dataset image {@code image}. Coordinates
 * are in the region's pixels after the protocol's resize.
 */
public record PatchSpec(
    String image, int region, int x, int y, int size, int label, String className, Role role) {

  /** What a patch is for. */
  public enum Role {
    /**
     * Fitting an encoder (only written when the protocol fits on other regions than the database).
     */
    TRAIN,
    /** Indexed. */
    DATABASE,
    /** Searched for. */
    QUERY;

    public String tag() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Role parse(String s) {
      for (Role r : values()) {
        if (r.tag().equals(s)) {
          return r;
        }
      }
      throw new IllegalArgumentException("role must be train, database or query, got " + s);
    }
  }

  public PatchSpec {
    if (size < 1 || x < 0 || y < 0) {
      throw new IllegalArgumentException(
          "patch needs size >= 1 and x, y >= 0, got " + size + " at " + x + "," + y);
    }
  }

  /** The {@link Region#key()} of the region this patch lies in. */
  public String regionKey() {
    return image + "#" + region;
  }
}
