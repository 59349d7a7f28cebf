package org.texhash.solr;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Map;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.queries.function.FunctionValues;
import org.apache.lucene.queries.function.ValueSource;
import org.apache.lucene.queries.function.docvalues.IntDocValues;
import org.apache.lucene.util.BytesRef;
import org.texhash.lucene.HashCode;

/**
 * The Hamming distance from each document's code (binary doc values of K/8 bytes) to a query code,
 * as an int function; K + 1 for documents without a code, so that they sort after every real one
 * and {@code recip(...)} boosts them least. A code of another length is an error naming the field.
 */
public final class HammingDistanceValueSource extends ValueSource {
  private static final VarHandle BIG_ENDIAN_LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
  private final String field;
  private final HashCode code;
  private final byte[] query;

  public HammingDistanceValueSource(String field, HashCode code) {
    this.field = field;
    this.code = code;
    this.query = code.bytes();
  }

  /** The value of documents that have no code. */
  public int missingValue() {
    return code.bits() + 1;
  }

  @Override
  public FunctionValues getValues(Map<Object, Object> context, LeafReaderContext leaf) throws IOException {
    BinaryDocValues values = DocValues.getBinary(leaf.reader(), field);
    return new IntDocValues(this) {
      private BinaryDocValues iterator = values;

      @Override
      public int intVal(int doc) throws IOException {
        if (doc < iterator.docID()) { // doc values iterate forward only; callers rarely go back
          iterator = DocValues.getBinary(leaf.reader(), field);
        }
        return iterator.advanceExact(doc) ? distance(iterator.binaryValue()) : missingValue();
      }

      @Override
      public boolean exists(int doc) throws IOException {
        if (doc < iterator.docID()) {
          iterator = DocValues.getBinary(leaf.reader(), field);
        }
        return iterator.advanceExact(doc);
      }
    };
  }

  int distance(BytesRef doc) {
    if (doc.length != query.length) {
      throw new IllegalArgumentException("field '" + field + "' has a code of " + doc.length * 8
          + " bits, the query code has " + code.bits());
    }
    int d = 0;
    int i = 0;
    for (; i + Long.BYTES <= query.length; i += Long.BYTES) {
      long a = (long) BIG_ENDIAN_LONG.get(query, i);
      long b = (long) BIG_ENDIAN_LONG.get(doc.bytes, doc.offset + i);
      d += Long.bitCount(a ^ b);
    }
    for (; i < query.length; i++) {
      d += Integer.bitCount((query[i] ^ doc.bytes[doc.offset + i]) & 0xFF);
    }
    return d;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HammingDistanceValueSource other && field.equals(other.field) && code.equals(other.code);
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
