package org.texhash.lucene;

/**
 * One document and the Hamming distance of its code to the query code.
 *
 * @param doc the document id (global to the searched reader)
 * @param distance the Hamming distance, 0 for an identical code
 */
public record HammingHit(int doc, int distance) {

  /** The hit's Lucene score, {@link HammingScores#score(int) 1 / (1 + distance)}. */
  public float score() {
    return HammingScores.score(distance);
  }
}
