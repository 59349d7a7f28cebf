package org.texhash.lucene;

import org.apache.lucene.document.BinaryDocValuesField;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.util.BytesRef;

/**
 * Adds a hash code to a document: its K/8 packed bytes ({@link HashCode#bytes()}) as {@link
 * BinaryDocValuesField} under {@code field}, which every Hamming query reads; and optionally its
 * multi-index hashing substrings as untokenized terms of {@code field + "_mih"} (see {@link
 * MultiIndexHashing} for the term encoding), which {@link HammingKnnQuery} probes.
 *
 * <p>All codes of one field must have the same length; the queries refuse a code of another length.
 * A document may have no code: it is then never a hit of the Hamming queries.
 */
public final class HashCodeField {
  private HashCodeField() {}

  /**
   * Adds {@code code} to {@code doc} under {@code field}, with its {@code mihSubstrings} substring
   * terms when {@code mihSubstrings > 0} (0 stores the doc values only).
   */
  public static void addTo(Document doc, String field, HashCode code, int mihSubstrings) {
    if (doc == null || field == null || code == null) {
      throw new IllegalArgumentException("document, field and code are required");
    }
    if (mihSubstrings < 0) {
      throw new IllegalArgumentException(
          "mihSubstrings must be 0 (off) or positive for field '"
              + field
              + "', got "
              + mihSubstrings);
    }
    doc.add(new BinaryDocValuesField(field, new BytesRef(code.bytes())));
    if (mihSubstrings > 0) {
      String termsField = MultiIndexHashing.termsField(field);
      for (BytesRef term : MultiIndexHashing.substringTerms(code, mihSubstrings)) {
        doc.add(new StringField(termsField, term, Field.Store.NO));
      }
    }
  }
}
