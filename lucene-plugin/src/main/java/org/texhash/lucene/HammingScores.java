package org.texhash.lucene;

/**
 * How a Hamming distance becomes a Lucene score: {@code 1 / (1 + distance)}, so that closer codes
 * score higher and an identical code scores 1. Every Hamming query, collector and values source
 * scores this way (times the boost, where a query has one).
 *
 * <p>Java callers read distances from {@link HammingHit#distance()} and {@link HammingDistances},
 * never from a score: a boost or a combined score changes the float. {@link #distance(float)} is
 * only for scores that crossed a boundary as plain floats (a Solr response, for example).
 */
public final class HammingScores {
  private HammingScores() {}

  /** The score of a hit at Hamming distance d: 1 / (1 + d), 1 for an identical code. */
  public static float score(int distance) {
    return 1f / (1f + distance);
  }

  /** The distance an unboosted {@link #score(int)} came from. */
  public static int distance(float score) {
    return Math.round(1f / score - 1f);
  }
}
