package org.texhash.lucene;

import java.io.IOException;
import java.util.Arrays;
import org.apache.lucene.index.LeafReader;

/**
 * One segment's codes in a field, read against a query code: the public way for components outside
 * this package (a Solr function, an evaluation collector) to rank or score documents by Hamming
 * distance without decoding the doc values or a score themselves.
 *
 * <p>The codes are the ones the Hamming queries use: unpacked from the field's binary doc values
 * once per segment and cached with the segment's core (re-read per call for readers that offer no
 * cache key). Deleted documents keep their codes; callers that care check live docs.
 *
 * <pre>
 *   HammingDistances distances = HammingDistances.of(leafReader, "code", queryCode);
 *   if (distances.has(doc)) {
 *     int d = distances.distance(doc);
 *   }
 * </pre>
 */
public final class HammingDistances {
  private final SegmentCodes codes; // null when the segment has no code in the field
  private final long[] query;
  private final int bits;

  private HammingDistances(SegmentCodes codes, HashCode query) {
    this.codes = codes;
    this.query = query.words();
    this.bits = query.bits();
  }

  /**
   * The codes of {@code field} in the segment {@code reader}, against {@code query}. A segment
   * without the field gives a view in which no document {@link #has} a code.
   *
   * @throws IllegalArgumentException when the field is not binary doc values, or its codes do not
   *     have the query code's length (the message names the field and both lengths)
   */
  public static HammingDistances of(LeafReader reader, String field, HashCode query)
      throws IOException {
    CodeFields.checkField(field);
    CodeFields.checkCode(field, query);
    return new HammingDistances(SegmentCodes.forQuery(reader, field, query), query);
  }

  /** Whether document {@code doc} (a segment doc id) has a code. */
  public boolean has(int doc) {
    return codes != null && codes.has(doc);
  }

  /**
   * The Hamming distance of document {@code doc}'s code to the query code.
   *
   * @throws IllegalArgumentException when the document has no code (check {@link #has} first)
   */
  public int distance(int doc) {
    checkHas(doc);
    return codes.distance(doc, query);
  }

  /**
   * The code of document {@code doc}.
   *
   * @throws IllegalArgumentException when the document has no code (check {@link #has} first)
   */
  public HashCode code(int doc) {
    checkHas(doc);
    int from = doc * codes.words;
    return HashCode.fromLongs(Arrays.copyOfRange(codes.codes, from, from + codes.words), bits);
  }

  private void checkHas(int doc) {
    if (!has(doc)) {
      throw new IllegalArgumentException(
          "document "
              + doc
              + " has no code"
              + (codes == null ? " (its segment has none)" : "")
              + "; check has(doc) first");
    }
  }
}
