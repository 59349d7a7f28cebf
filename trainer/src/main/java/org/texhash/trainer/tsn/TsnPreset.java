package org.texhash.trainer.tsn;

import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * The size of a TSN and how it is trained: patch side S (G maps S x S to 2S x 2S), widths and
 * depths of G and D, the style network's width, batch size and the default schedule.
 *
 * @param patchSize S, a multiple of {@code 2^downsamplings}
 * @param baseChannels channels of G's full-resolution encoder map; doubled per downsampling
 * @param maxChannels cap on G's channels
 * @param downsamplings strided convolutions in G's encoder (the decoder has one more upsampling)
 * @param residualBlocks residual units in G's middle
 * @param discChannels channels of D's first layer, doubled per stride-2 layer (capped at 8x)
 * @param discDownsamplings stride-2 layers of D (its patch output is 2S / 2^this on a side)
 * @param styleChannels filters per scale of the random style network
 * @param styleScales scales (image pyramid levels) of the random style network
 * @param inputSkip how G's input reaches its output ({@link InputSkip})
 */
public record TsnPreset(
    String name,
    int patchSize,
    int baseChannels,
    int maxChannels,
    int downsamplings,
    int residualBlocks,
    int discChannels,
    int discDownsamplings,
    int batchSize,
    int styleChannels,
    int styleScales,
    int defaultSteps,
    int logEvery,
    int sampleEvery,
    int checkpointEvery,
    InputSkip inputSkip) {

  public static final List<String> NAMES = List.of("tiny", "cpu", "paper");

  public TsnPreset {
    if (downsamplings < 1 || patchSize <= 0 || patchSize % (1 << downsamplings) != 0) {
      throw new IllegalArgumentException(
          "patchSize must be a positive multiple of 2^downsamplings, got "
              + patchSize
              + " and "
              + downsamplings);
    }
    if (baseChannels <= 0
        || maxChannels < baseChannels
        || residualBlocks < 0
        || discChannels <= 0
        || discDownsamplings < 1
        || batchSize <= 0
        || styleChannels <= 0
        || styleScales <= 0
        || defaultSteps <= 0
        || logEvery <= 0
        || sampleEvery <= 0
        || checkpointEvery <= 0
        || inputSkip == null) {
      throw new IllegalArgumentException("invalid TSN preset " + name);
    }
    if ((2 * patchSize) >> discDownsamplings < 4) {
      throw new IllegalArgumentException("discDownsamplings too large for patch size " + patchSize);
    }
  }

  /**
   * {@code tiny} (tests, seconds), {@code cpu} (S = 64, under two hours on 2 cores), {@code paper}
   * (S = 128, GPU).
   */
  public static TsnPreset of(String name) {
    return switch (name == null ? "" : name) {
      case "tiny" ->
          new TsnPreset("tiny", 16, 8, 16, 2, 1, 8, 2, 2, 8, 2, 60, 10, 20, 20, InputSkip.MIRROR);
      case "cpu" ->
          new TsnPreset(
              "cpu", 64, 16, 64, 3, 3, 16, 3, 4, 16, 3, 4000, 20, 250, 100, InputSkip.MIRROR);
      case "paper" ->
          new TsnPreset(
              "paper",
              128,
              64,
              256,
              4,
              6,
              64,
              3,
              8,
              64,
              4,
              100_000,
              100,
              1000,
              1000,
              InputSkip.MIRROR);
      default ->
          throw new IllegalArgumentException("preset must be one of " + NAMES + ", got " + name);
    };
  }

  /** Whether {@code other} builds the same G and D and batches (the schedule fields may differ). */
  public boolean sameNetwork(TsnPreset other) {
    return name.equals(other.name)
        && patchSize == other.patchSize
        && baseChannels == other.baseChannels
        && maxChannels == other.maxChannels
        && downsamplings == other.downsamplings
        && residualBlocks == other.residualBlocks
        && discChannels == other.discChannels
        && discDownsamplings == other.discDownsamplings
        && batchSize == other.batchSize
        && styleChannels == other.styleChannels
        && styleScales == other.styleScales
        && inputSkip == other.inputSkip;
  }

  public TsnPreset withInputSkip(InputSkip skip) {
    return new TsnPreset(
        name,
        patchSize,
        baseChannels,
        maxChannels,
        downsamplings,
        residualBlocks,
        discChannels,
        discDownsamplings,
        batchSize,
        styleChannels,
        styleScales,
        defaultSteps,
        logEvery,
        sampleEvery,
        checkpointEvery,
        skip);
  }

  /** Channels of G's maps at level {@code l} (size S / 2^l), 0 <= l <= downsamplings. */
  public int channelsAt(int level) {
    return Math.min(baseChannels << level, maxChannels);
  }

  /** Channels of the decoder's extra 2S x 2S map. */
  public int outerChannels() {
    return Math.max(baseChannels / 2, 4);
  }

  public Properties toProperties() {
    Properties p = new Properties();
    p.setProperty("preset", name);
    p.setProperty("patchSize", Integer.toString(patchSize));
    p.setProperty("baseChannels", Integer.toString(baseChannels));
    p.setProperty("maxChannels", Integer.toString(maxChannels));
    p.setProperty("downsamplings", Integer.toString(downsamplings));
    p.setProperty("residualBlocks", Integer.toString(residualBlocks));
    p.setProperty("discChannels", Integer.toString(discChannels));
    p.setProperty("discDownsamplings", Integer.toString(discDownsamplings));
    p.setProperty("batchSize", Integer.toString(batchSize));
    p.setProperty("styleChannels", Integer.toString(styleChannels));
    p.setProperty("styleScales", Integer.toString(styleScales));
    p.setProperty("defaultSteps", Integer.toString(defaultSteps));
    p.setProperty("logEvery", Integer.toString(logEvery));
    p.setProperty("sampleEvery", Integer.toString(sampleEvery));
    p.setProperty("checkpointEvery", Integer.toString(checkpointEvery));
    p.setProperty("inputSkip", inputSkip.name().toLowerCase(Locale.ROOT));
    return p;
  }

  /** Reads what {@link #toProperties()} wrote; a missing or malformed key is an error naming it. */
  public static TsnPreset fromProperties(Properties p) {
    return new TsnPreset(
        required(p, "preset"),
        intOf(p, "patchSize"),
        intOf(p, "baseChannels"),
        intOf(p, "maxChannels"),
        intOf(p, "downsamplings"),
        intOf(p, "residualBlocks"),
        intOf(p, "discChannels"),
        intOf(p, "discDownsamplings"),
        intOf(p, "batchSize"),
        intOf(p, "styleChannels"),
        intOf(p, "styleScales"),
        intOf(p, "defaultSteps"),
        intOf(p, "logEvery"),
        intOf(p, "sampleEvery"),
        intOf(p, "checkpointEvery"),
        inputSkipOf(p));
  }

  /** Files written before the input skip existed describe a G without one. */
  private static InputSkip inputSkipOf(Properties p) {
    String v = p.getProperty("inputSkip", "none").trim();
    try {
      return InputSkip.valueOf(v.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "TSN property 'inputSkip' must be none or mirror, got " + v);
    }
  }

  private static String required(Properties p, String key) {
    String v = p.getProperty(key);
    if (v == null) {
      throw new IllegalArgumentException("TSN properties lack '" + key + "'");
    }
    return v;
  }

  private static int intOf(Properties p, String key) {
    String v = required(p, key);
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("TSN property '" + key + "' must be an integer, got " + v);
    }
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "%s (S=%d, G %d..%d ch, %d down, %d res, input skip %s; D %d ch, %d down; batch %d)",
        name,
        patchSize,
        baseChannels,
        maxChannels,
        downsamplings,
        residualBlocks,
        inputSkip.name().toLowerCase(Locale.ROOT),
        discChannels,
        discDownsamplings,
        batchSize);
  }
}
