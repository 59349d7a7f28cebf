package org.texhash.lucene;

import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReaderContext;

/** Argument checks shared by the Hamming queries, collector and values source. */
final class CodeFields {
  private CodeFields() {}

  static String checkField(String field) {
    if (field == null || field.isEmpty()) {
      throw new IllegalArgumentException("a field name is required");
    }
    return field;
  }

  static HashCode checkCode(String field, HashCode code) {
    if (code == null) {
      throw new IllegalArgumentException("a query code is required for field '" + field + "'");
    }
    return code;
  }

  /**
   * Refuses a field that no segment of an index with live documents has, or that is not binary doc
   * values. A segment lacking the field while others have it is fine (its documents simply have no
   * code).
   */
  static void checkIndex(IndexReader reader, String field, HashCode code) {
    boolean found = false;
    for (LeafReaderContext leaf : reader.leaves()) {
      FieldInfo info = leaf.reader().getFieldInfos().fieldInfo(field);
      if (info != null) {
        SegmentCodes.checkType(info, code);
        found = true;
      }
    }
    if (!found && reader.numDocs() > 0) {
      throw new IllegalArgumentException(
          "unknown field '"
              + field
              + "': no document of the index has a hash code in it;"
              + " expected BINARY doc values of "
              + code.bits() / 8
              + " bytes ("
              + code.bits()
              + "-bit codes, the query code's length)");
    }
  }
}
