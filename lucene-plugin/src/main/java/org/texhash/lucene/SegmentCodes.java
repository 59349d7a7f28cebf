package org.texhash.lucene;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.DocValuesType;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.util.BitSetIterator;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.FixedBitSet;

/**
 * The codes of one field in one segment, unpacked into a flat {@code long[]} (doc-major, {@link
 * #words} big-endian words per document) so that a scan is a tight popcount loop like a raw array
 * scan, instead of a doc-values iterator call and a byte decode per document.
 *
 * <p>Loaded once per segment and field and cached, keyed on the segment's core cache key (codes
 * cannot change while the core lives) or, when the field has doc-values updates, on the reader
 * cache key; the entry is dropped by the key's closed listener. Readers that expose no cache helper
 * (wrappers that may alter content) get a fresh, uncached load per query. Deleted documents stay in
 * the arrays; callers check live docs.
 */
final class SegmentCodes {
  private static final Map<IndexReader.CacheKey, Map<String, SegmentCodes>> CACHE =
      new ConcurrentHashMap<>();

  final String field;
  final int bits;
  final int words;
  final int maxDoc;

  /**
   * Codes of documents 0..maxDoc-1, {@link #words} per document; zeros for documents without one.
   */
  final long[] codes;

  /** Documents that have a code, or null when every document has one. */
  final FixedBitSet present;

  /** How many documents have a code (deleted ones included). */
  final int count;

  /** Whether this instance is cached (shared by later queries) rather than loaded for one query. */
  private boolean cached;

  /** The multi-index hashing tables, built on first use; cached with the codes. */
  private SubstringTable table;

  private SegmentCodes(
      String field, int bits, int maxDoc, long[] codes, FixedBitSet present, int count) {
    this.field = field;
    this.bits = bits;
    this.words = (bits + 63) / 64;
    this.maxDoc = maxDoc;
    this.codes = codes;
    this.present = present;
    this.count = count;
  }

  boolean has(int doc) {
    return present == null || present.get(doc);
  }

  /**
   * Distance of document {@code doc}'s code to a query given as words (caller checks {@link #has}).
   */
  int distance(int doc, long[] query) {
    int base = doc * words;
    int d = 0;
    for (int w = 0; w < words; w++) {
      d += Long.bitCount(query[w] ^ codes[base + w]);
    }
    return d;
  }

  boolean cached() {
    return cached;
  }

  /**
   * The in-memory substring tables for m substrings, built on first use and then kept with these
   * codes (same cache entry, same lifecycle). Concurrent first uses wait for one build.
   */
  synchronized SubstringTable substringTable(int m) {
    if (table == null || table.m != m) {
      table = SubstringTable.build(codes, bits, docsWithCode(), m);
    }
    return table;
  }

  private int[] docsWithCode() {
    int[] docs = new int[count];
    int n = 0;
    for (int doc = 0; doc < maxDoc; doc++) {
      if (has(doc)) {
        docs[n++] = doc;
      }
    }
    return docs;
  }

  /** The documents that have a code, in order. */
  DocIdSetIterator iterator() {
    return present == null ? DocIdSetIterator.all(maxDoc) : new BitSetIterator(present, count);
  }

  /**
   * The codes of {@code field} in this segment checked against a query code, or null when the
   * segment holds no code in this field.
   *
   * @throws IllegalArgumentException when the field is not binary doc values, or its codes do not
   *     have the query code's length
   */
  static SegmentCodes forQuery(LeafReader reader, String field, HashCode code) throws IOException {
    FieldInfo info = reader.getFieldInfos().fieldInfo(field);
    if (info == null) {
      return null;
    }
    checkType(info, code);
    SegmentCodes codes = get(reader, field);
    if (codes != null && codes.bits != code.bits()) {
      throw new IllegalArgumentException(
          "field '"
              + field
              + "' holds "
              + codes.bits
              + "-bit codes ("
              + codes.bits / 8
              + " bytes), but the query code has "
              + code.bits()
              + " bits ("
              + code.bits() / 8
              + " bytes); expected a code of length "
              + codes.bits / 8
              + " bytes");
    }
    return codes;
  }

  /** The (cached) codes of a BINARY doc-values field in this segment, or null when it has none. */
  private static SegmentCodes get(LeafReader reader, String field) throws IOException {
    FieldInfo info = reader.getFieldInfos().fieldInfo(field);
    // doc-values updates change values without changing the core: key those on the reader
    IndexReader.CacheHelper helper =
        info.getDocValuesGen() == -1 ? reader.getCoreCacheHelper() : reader.getReaderCacheHelper();
    if (helper == null) {
      return load(reader, field);
    }
    IndexReader.CacheKey key = helper.getKey();
    Map<String, SegmentCodes> perField = CACHE.get(key);
    if (perField == null) {
      Map<String, SegmentCodes> fresh = new ConcurrentHashMap<>();
      perField = CACHE.putIfAbsent(key, fresh);
      if (perField == null) {
        perField = fresh;
        helper.addClosedListener(CACHE::remove);
      }
    }
    SegmentCodes codes = perField.get(field);
    if (codes == null) {
      // loads of different fields or segments run in parallel; a rare duplicate load is harmless
      codes = load(reader, field);
      if (codes != null) {
        codes.cached = true;
        SegmentCodes raced = perField.putIfAbsent(field, codes);
        codes = raced == null ? codes : raced;
      }
    }
    return codes;
  }

  /** Number of cached segment entries; for tests of the closed listener. */
  static int cachedSegments() {
    return CACHE.size();
  }

  static void checkType(FieldInfo info, HashCode code) {
    if (info.getDocValuesType() != DocValuesType.BINARY) {
      throw new IllegalArgumentException(
          "field '"
              + info.name
              + "' holds no hash codes (its doc values type is "
              + info.getDocValuesType()
              + "); expected BINARY doc values of "
              + code.bits() / 8
              + " bytes ("
              + code.bits()
              + "-bit codes, as HashCodeField adds them)");
    }
  }

  private static SegmentCodes load(LeafReader reader, String field) throws IOException {
    BinaryDocValues values = reader.getBinaryDocValues(field);
    if (values == null) {
      return null;
    }
    int maxDoc = reader.maxDoc();
    long[] codes = null;
    FixedBitSet present = new FixedBitSet(Math.max(1, maxDoc));
    int bytes = -1;
    int words = 0;
    int count = 0;
    for (int doc = values.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = values.nextDoc()) {
      BytesRef value = values.binaryValue();
      if (bytes < 0) {
        bytes = value.length;
        try {
          HashCode.checkBits(bytes * 8);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "field '"
                  + field
                  + "' holds a "
                  + bytes
                  + "-byte value, not a hash code: "
                  + e.getMessage(),
              e);
        }
        words = (bytes + 7) / 8;
        if ((long) maxDoc * words > Integer.MAX_VALUE - 8) {
          throw new IllegalArgumentException(
              "field '"
                  + field
                  + "': a segment of "
                  + maxDoc
                  + " documents with "
                  + bytes * 8
                  + "-bit codes is too large to cache in one array; use smaller segments");
        }
        codes = new long[maxDoc * words];
      } else if (value.length != bytes) {
        throw new IllegalArgumentException(
            "field '"
                + field
                + "' holds codes of different lengths in one segment: "
                + bytes
                + " and "
                + value.length
                + " bytes");
      }
      int base = doc * words;
      for (int i = 0; i < bytes; i++) {
        codes[base + (i >>> 3)] |= (value.bytes[value.offset + i] & 0xFFL) << (56 - 8 * (i & 7));
      }
      present.set(doc);
      count++;
    }
    if (count == 0) {
      return null;
    }
    return new SegmentCodes(
        field, bytes * 8, maxDoc, codes, count == maxDoc ? null : present, count);
  }
}
