package org.texhash.solr;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.lucene.document.BinaryDocValuesField;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.util.BytesRef;
import org.apache.solr.common.SolrException;
import org.apache.solr.common.SolrException.ErrorCode;
import org.apache.solr.response.TextResponseWriter;
import org.apache.solr.schema.BinaryField;
import org.apache.solr.schema.IndexSchema;
import org.apache.solr.schema.SchemaAware;
import org.apache.solr.schema.SchemaField;
import org.texhash.lucene.HashCode;
import org.texhash.lucene.MultiIndexHashing;

/**
 * A K-bit hash code in Solr: a {@link BinaryField} whose values have exactly K/8 bytes, stored as
 * binary doc values (what the Hamming queries read) and, when {@code mihSubstrings > 0}, also
 * indexed as multi-index hashing substring terms in the companion field {@code <name>_mih}, so that
 * every shard can use multi-index hashing on its own documents.
 *
 * <p>Schema attributes: {@code bits} (K, required) and {@code mihSubstrings} (m, default 0 = scan
 * only). Input values: packed bytes ({@code byte[]} / {@code ByteBuffer}, e.g. from javabin or the
 * update processor), hex (2 digits per byte, as {@link HashCode#toHex()} writes) or base64 (what
 * {@code solr.BinaryField} takes). Hex and base64 of K/8 bytes never have the same length unless
 * the base64 ends in '=' padding, so the two cannot be confused. Responses show the code as hex.
 *
 * <p>The {@code _mih} field must be declared (indexed, multiValued, not stored, no docValues); its
 * terms are binary ({@link MultiIndexHashing#substringTerms}), so this type writes them itself.
 */
public class HashCodeFieldType extends BinaryField implements SchemaAware {
  public static final String BITS = "bits";
  public static final String MIH_SUBSTRINGS = "mihSubstrings";

  private int bits;
  private int mihSubstrings;

  @Override
  protected void init(IndexSchema schema, Map<String, String> args) {
    String b = args.remove(BITS);
    String m = args.remove(MIH_SUBSTRINGS);
    super.init(schema, args);
    if (b == null) {
      throw new SolrException(
          ErrorCode.SERVER_ERROR,
          "field type " + typeName + ": attribute '" + BITS + "' (the code length K) is required");
    }
    try {
      bits = HashCode.checkBits(Integer.parseInt(b.trim()));
      mihSubstrings = m == null ? 0 : Integer.parseInt(m.trim());
      if (mihSubstrings != 0) {
        MultiIndexHashing.checkSubstrings(bits, mihSubstrings);
      }
    } catch (IllegalArgumentException e) { // NumberFormatException included
      throw new SolrException(
          ErrorCode.SERVER_ERROR, "field type " + typeName + ": " + e.getMessage(), e);
    }
  }

  /** K, the code length in bits. */
  public int bits() {
    return bits;
  }

  /** m, the number of multi-index hashing substrings (0 when off). */
  public int mihSubstrings() {
    return mihSubstrings;
  }

  @Override
  public void checkSchemaField(SchemaField field) {
    super.checkSchemaField(field);
    if (!field.hasDocValues() || field.multiValued()) {
      throw new SolrException(
          ErrorCode.SERVER_ERROR,
          "field '"
              + field.getName()
              + "' of type "
              + typeName
              + " must be single-valued with docValues=\"true\"");
    }
  }

  /** Checks, once the whole schema is known, that every code field with MIH has its terms field. */
  @Override
  public void inform(IndexSchema schema) {
    if (mihSubstrings == 0) {
      return;
    }
    for (SchemaField field : schema.getFields().values()) {
      if (field.getType() != this) {
        continue;
      }
      String termsField = MultiIndexHashing.termsField(field.getName());
      SchemaField terms = schema.getFieldOrNull(termsField);
      if (terms == null
          || !terms.indexed()
          || !terms.multiValued()
          || terms.stored()
          || terms.hasDocValues()) {
        throw new SolrException(
            ErrorCode.SERVER_ERROR,
            "field '"
                + field.getName()
                + "' uses multi-index hashing ("
                + MIH_SUBSTRINGS
                + "="
                + mihSubstrings
                + "): declare <field name=\""
                + termsField
                + "\" type=\"string\" indexed=\"true\" stored=\"false\" docValues=\"false\""
                + " multiValued=\"true\"/>");
      }
    }
  }

  @Override
  public List<IndexableField> createFields(SchemaField field, Object value) {
    if (value == null) {
      return List.of();
    }
    HashCode code = toCode(field.getName(), value);
    BytesRef bytes = new BytesRef(code.bytes());
    List<IndexableField> fields = new ArrayList<>(2 + mihSubstrings);
    fields.add(new BinaryDocValuesField(field.getName(), bytes));
    if (field.stored()) {
      fields.add(new StoredField(field.getName(), bytes));
    }
    if (mihSubstrings > 0) {
      String termsField = MultiIndexHashing.termsField(field.getName());
      for (BytesRef term : MultiIndexHashing.substringTerms(code, mihSubstrings)) {
        fields.add(new StringField(termsField, term, Field.Store.NO));
      }
    }
    return fields;
  }

  @Override
  public IndexableField createField(SchemaField field, Object value) {
    return field.stored() && value != null
        ? new StoredField(field.getName(), new BytesRef(toCode(field.getName(), value).bytes()))
        : null;
  }

  /**
   * The code of an input value; a value of the wrong length or form is a 400 naming the field and
   * the expected length.
   */
  public HashCode toCode(String fieldName, Object value) {
    byte[] b;
    if (value instanceof byte[] bytes) {
      b = bytes;
    } else if (value instanceof ByteBuffer buffer) {
      b = new byte[buffer.remaining()];
      buffer.duplicate().get(b);
    } else if (value instanceof HashCode h) {
      b = h.bytes();
    } else {
      b = parseText(fieldName, value.toString().trim());
    }
    if (b.length * 8 != bits) {
      throw new SolrException(
          ErrorCode.BAD_REQUEST,
          "field '"
              + fieldName
              + "' holds "
              + bits
              + "-bit codes ("
              + bits / 8
              + " bytes, "
              + bits / 4
              + " hex digits), got "
              + b.length * 8
              + " bits");
    }
    return HashCode.fromBytes(b);
  }

  private byte[] parseText(String fieldName, String text) {
    if (text.length() == bits / 4 && text.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
      return HashCode.fromHex(text).bytes();
    }
    try {
      return Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new SolrException(
          ErrorCode.BAD_REQUEST,
          "field '"
              + fieldName
              + "' expects a "
              + bits
              + "-bit code as "
              + bits / 4
              + " hex digits or base64, got '"
              + abbreviate(text)
              + "'");
    }
  }

  static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }

  @Override
  public String toExternal(IndexableField f) {
    BytesRef b = f.binaryValue();
    return HashCode.fromBytes(b.bytes, b.offset, b.length).toHex();
  }

  @Override
  public void write(TextResponseWriter writer, String name, IndexableField f) throws IOException {
    writer.writeStr(name, toExternal(f), false);
  }

  @Override
  public Object toNativeType(Object val) {
    if (val instanceof CharSequence s) {
      return ByteBuffer.wrap(parseText("of type " + typeName, s.toString().trim()));
    }
    return super.toNativeType(val);
  }
}
