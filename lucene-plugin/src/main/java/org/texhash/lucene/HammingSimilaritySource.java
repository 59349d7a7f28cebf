package org.texhash.lucene;

import java.io.IOException;
import java.util.Objects;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.search.DoubleValues;
import org.apache.lucene.search.DoubleValuesSource;
import org.apache.lucene.search.IndexSearcher;

/**
 * The Hamming similarity {@link HammingScores#score(int) 1 / (1 + distance)} of each document's
 * code to a query code, for rescoring and {@code FunctionScoreQuery}. Documents without a code have
 * no value.
 */
public final class HammingSimilaritySource extends DoubleValuesSource {
  private final String field;
  private final HashCode code;

  public HammingSimilaritySource(String field, HashCode code) {
    this.field = CodeFields.checkField(field);
    this.code = CodeFields.checkCode(field, code);
  }

  @Override
  public DoubleValues getValues(LeafReaderContext ctx, DoubleValues scores) throws IOException {
    SegmentCodes codes = SegmentCodes.forQuery(ctx.reader(), field, code);
    if (codes == null) {
      return DoubleValues.EMPTY;
    }
    long[] query = code.words();
    return new DoubleValues() {
      private int doc = -1;

      @Override
      public double doubleValue() {
        return HammingScores.score(codes.distance(doc, query));
      }

      @Override
      public boolean advanceExact(int target) {
        doc = target;
        return codes.has(target);
      }
    };
  }

  @Override
  public boolean needsScores() {
    return false;
  }

  @Override
  public DoubleValuesSource rewrite(IndexSearcher searcher) {
    CodeFields.checkIndex(searcher.getIndexReader(), field, code);
    return this;
  }

  @Override
  public boolean isCacheable(LeafReaderContext ctx) {
    return DocValues.isCacheable(ctx, field);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HammingSimilaritySource other
        && field.equals(other.field)
        && code.equals(other.code);
  }

  @Override
  public int hashCode() {
    return Objects.hash(HammingSimilaritySource.class, field, code);
  }

  @Override
  public String toString() {
    return "hamming_similarity(" + field + ", " + code.toHex() + ")";
  }
}
