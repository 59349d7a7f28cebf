package org.texhash.solr;

import java.io.IOException;
import java.util.Map;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.queries.function.FunctionValues;
import org.apache.lucene.queries.function.ValueSource;
import org.apache.lucene.queries.function.docvalues.IntDocValues;
import org.texhash.lucene.HammingDistances;
import org.texhash.lucene.HashCode;

/**
 * The Hamming distance from each document's code (binary doc values of K/8 bytes) to a query code,
 * as an int function; K + 1 for documents without a code, so that they sort after every real one
 * and {@code recip(...)} boosts them least. A code of another length is an error naming the field.
 * The codes are read through {@link HammingDistances}, the same cached codes the Hamming queries
 * use.
 */
public final class HammingDistanceValueSource extends ValueSource {
  private final String field;
  private final HashCode code;

  public HammingDistanceValueSource(String field, HashCode code) {
    this.field = field;
    this.code = code;
  }

  /** The value of documents that have no code. */
  public int missingValue() {
    return code.bits() + 1;
  }

  @Override
  public FunctionValues getValues(Map<Object, Object> context, LeafReaderContext leaf)
      throws IOException {
    HammingDistances distances = HammingDistances.of(leaf.reader(), field, code);
    return new IntDocValues(this) {
      @Override
      public int intVal(int doc) {
        return distances.has(doc) ? distances.distance(doc) : missingValue();
      }

      @Override
      public boolean exists(int doc) {
        return distances.has(doc);
      }
    };
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HammingDistanceValueSource other
        && field.equals(other.field)
        && code.equals(other.code);
  }

  @Override
  public int hashCode() {
    return 31 * field.hashCode() + code.hashCode();
  }

  @Override
  public String description() {
    return "hamming(" + field + "," + code.toHex() + ")";
  }
}
