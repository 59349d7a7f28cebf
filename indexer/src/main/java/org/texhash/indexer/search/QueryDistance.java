package org.texhash.indexer.search;

import java.util.Locale;
import org.texhash.lucene.BitWeights;
import org.texhash.lucene.HammingKnnQuery;
import org.texhash.lucene.HashCode;

/**
 * What a query's nearest documents are nearest by: the Hamming distance between the codes, or the
 * Hamming distance with each bit weighted by the query's confidence in it ({@link BitWeights}).
 */
public enum QueryDistance {
  /** The number of differing bits; answered by multi-index hashing where the index has it. */
  HAMMING,
  /**
   * The differing bits weighted by {@code |feature|} of the query's own pre-sign features: the
   * stored codes ranked by {@code q . sign(d)}. Needs the query's features (an image, not a code).
   */
  WEIGHTED;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The top-{@code k} query for the code of {@code features} by this distance.
   *
   * @param features the query's pre-sign features (pooled over its crops for a whole image)
   */
  public HammingKnnQuery query(
      String field, float[] features, int k, org.apache.lucene.search.Query filter) {
    HammingKnnQuery plain = new HammingKnnQuery(field, HashCode.fromSigns(features), k, filter);
    return this == WEIGHTED ? plain.withBitWeights(BitWeights.fromFeatures(features)) : plain;
  }
}
