package org.texhash.solr;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.DocValuesType;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.solr.common.SolrException;
import org.apache.solr.common.SolrException.ErrorCode;
import org.apache.solr.schema.BinaryField;
import org.apache.solr.schema.IndexSchema;
import org.apache.solr.schema.SchemaField;
import org.apache.solr.search.SolrIndexSearcher;
import org.texhash.lucene.BitWeights;
import org.texhash.lucene.HashCode;

/**
 * Request argument checks shared by the {@code hamming} query parser and function: every mistake a
 * user can make is a 400 that names the field and what was expected, never a 500 from deep inside
 * the search.
 */
final class HammingArgs {
  private HammingArgs() {}

  static SolrException badRequest(String message) {
    return new SolrException(ErrorCode.BAD_REQUEST, message);
  }

  /**
   * The schema field of the codes: it must exist and be a single-valued binary doc-values field.
   */
  static SchemaField codeField(IndexSchema schema, String name) {
    if (name == null || name.isBlank()) {
      throw badRequest(
          "hamming: the code field is missing ('f' of {!hamming}, the first argument of"
              + " hamming(field,code))");
    }
    SchemaField field = schema.getFieldOrNull(name);
    if (field == null) {
      throw badRequest("hamming: undefined field '" + name + "'");
    }
    if (!(field.getType() instanceof BinaryField) || !field.hasDocValues() || field.multiValued()) {
      throw badRequest(
          "hamming: field '"
              + name
              + "' must be a single-valued binary field with docValues"
              + " (org.texhash.solr.HashCodeFieldType or solr.BinaryField), but is of type '"
              + field.getType().getTypeName()
              + "'"
              + (field.hasDocValues() ? "" : " without docValues"));
    }
    return field;
  }

  /**
   * The query code, parsed from hex and checked against the field's code length: the field type's
   * {@code bits} for {@link HashCodeFieldType}, otherwise the length of the codes in this index.
   */
  static HashCode queryCode(SolrIndexSearcher searcher, SchemaField field, String hex) {
    if (hex == null || hex.isBlank()) {
      throw badRequest(
          "hamming: the query code 'code' (hex) is missing for field '" + field.getName() + "'");
    }
    HashCode code;
    try {
      code = HashCode.fromHex(hex.trim());
    } catch (IllegalArgumentException e) {
      throw badRequest(
          "hamming: bad query code for field '" + field.getName() + "': " + e.getMessage());
    }
    int bits =
        field.getType() instanceof HashCodeFieldType t
            ? t.bits()
            : indexedBits(searcher, field.getName());
    if (bits > 0 && bits != code.bits()) {
      throw badRequest(
          "hamming: field '"
              + field.getName()
              + "' holds "
              + bits
              + "-bit codes ("
              + bits / 4
              + " hex digits), but the query code has "
              + code.bits()
              + " bits ("
              + hex.trim().length()
              + " hex digits)");
    }
    return code;
  }

  /**
   * The query's bit weights ({@code weights}: two hex digits per bit, as {@code texhash code
   * --weights} prints them), checked against the query code's length.
   */
  static BitWeights bitWeights(SchemaField field, HashCode code, String hex) {
    BitWeights weights;
    try {
      weights = BitWeights.fromHex(hex.trim());
    } catch (IllegalArgumentException e) {
      throw badRequest(
          "hamming: bad 'weights' for field '" + field.getName() + "': " + e.getMessage());
    }
    if (weights.bits() != code.bits()) {
      throw badRequest(
          "hamming: 'weights' has "
              + weights.bits()
              + " weights ("
              + 2 * weights.bits()
              + " hex digits), the query code has "
              + code.bits()
              + " bits: give one weight per bit ("
              + 2 * code.bits()
              + " hex digits)");
    }
    return weights;
  }

  /** The code length of the first document with a code in this index, or 0 when none has one. */
  static int indexedBits(SolrIndexSearcher searcher, String field) {
    try {
      for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
        BinaryDocValues values = leaf.reader().getBinaryDocValues(field);
        if (values != null && values.nextDoc() != DocIdSetIterator.NO_MORE_DOCS) {
          return values.binaryValue().length * 8;
        }
      }
      return 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Whether any segment of this index has binary doc values in {@code field}. The Lucene queries
   * refuse a field no segment has (a mistyped name); in Solr the schema already vouches for the
   * name, and a shard none of whose documents has a code yet simply has no hits.
   */
  static boolean anyCodes(SolrIndexSearcher searcher, String field) {
    for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
      FieldInfo info = leaf.reader().getFieldInfos().fieldInfo(field);
      if (info != null && info.getDocValuesType() == DocValuesType.BINARY) {
        return true;
      }
    }
    return false;
  }

  static int intParam(String name, String value, int min) {
    int v;
    try {
      v = Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw badRequest("hamming: '" + name + "' must be an integer, got '" + value + "'");
    }
    if (v < min) {
      throw badRequest("hamming: '" + name + "' must be at least " + min + ", got " + v);
    }
    return v;
  }
}
