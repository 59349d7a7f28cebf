package org.texhash.lucene;

import java.util.AbstractList;
import java.util.RandomAccess;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TotalHits;

/**
 * The nearest documents to a query code with their int distances, nearest first (ties by the lower
 * doc id), as {@link HammingKnnQuery#hits} and {@link HammingCollectorManager} return them. A list
 * of {@link HammingHit}s backed by two int arrays; {@link #topDocs()} is the same list as Lucene's
 * {@link TopDocs}, scored {@link HammingScores#score(int) 1 / (1 + distance)}.
 */
public final class HammingHits extends AbstractList<HammingHit> implements RandomAccess {
  private static final HammingHits EMPTY = new HammingHits(new int[0], new int[0], 0);

  private final int[] docs;
  private final int[] distances;
  private final long totalHits;

  /** Parallel arrays, already ordered; {@code totalHits} counts every ranked document. */
  HammingHits(int[] docs, int[] distances, long totalHits) {
    this.docs = docs;
    this.distances = distances;
    this.totalHits = totalHits;
  }

  static HammingHits empty() {
    return EMPTY;
  }

  @Override
  public HammingHit get(int i) {
    return new HammingHit(docs[i], distances[i]);
  }

  @Override
  public int size() {
    return docs.length;
  }

  /** The doc id of hit i, without a {@link HammingHit} object. */
  public int doc(int i) {
    return docs[i];
  }

  /** The distance of hit i, without a {@link HammingHit} object. */
  public int distance(int i) {
    return distances[i];
  }

  /**
   * How many documents were ranked: for {@link HammingCollectorManager}, every hit of its query
   * that had a code; for {@link HammingKnnQuery#hits}, the number of hits returned.
   */
  public long totalHits() {
    return totalHits;
  }

  /** These hits as Lucene's {@link TopDocs}, scored {@link HammingScores#score(int)}. */
  public TopDocs topDocs() {
    ScoreDoc[] scoreDocs = new ScoreDoc[docs.length];
    for (int i = 0; i < docs.length; i++) {
      scoreDocs[i] = new ScoreDoc(docs[i], HammingScores.score(distances[i]));
    }
    return new TopDocs(new TotalHits(totalHits, TotalHits.Relation.EQUAL_TO), scoreDocs);
  }

  /** The same hits with {@code docBase} added to every doc id (segment ids to global ones). */
  HammingHits withDocBase(int docBase) {
    if (docBase == 0) {
      return this;
    }
    int[] shifted = new int[docs.length];
    for (int i = 0; i < docs.length; i++) {
      shifted[i] = docs[i] + docBase;
    }
    return new HammingHits(shifted, distances, totalHits);
  }
}
