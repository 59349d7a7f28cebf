package org.texhash.trainer.hashing;

/**
 * What a supervised slot's pixels are at each visit; the command-line name is the lower-case
 * constant.
 */
public enum TrainingCrops {
  /** A random S x S crop of one of the class's training regions: the paper's. */
  PLAIN,
  /**
   * A random view of a training region ({@link ViewAugmentation}): a crop, sometimes slightly
   * rescaled, rotated, mirrored, relit, blurred or JPEG-compressed, as a user's photo might be. Not
   * in the paper; for codes that must carry over to other sources and to photographed queries.
   */
  VIEWS,
  /**
   * The views of {@link #VIEWS} with stronger light changes (brightness and contrast 0.6x to 1.4x
   * instead of 0.85x to 1.15x), as a photo taken in other light.
   */
  RELIT;

  public String id() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /** The views these crops draw for S x S patches, or null for plain crops. */
  public ViewAugmentation views(int patchSize) {
    return switch (this) {
      case PLAIN -> null;
      case VIEWS -> new ViewAugmentation(patchSize);
      case RELIT -> new ViewAugmentation(patchSize, ViewAugmentation.STRONG_LIGHT);
    };
  }
}
