package org.texhash.lucene;

import org.apache.lucene.util.IntroSorter;

/**
 * The m multi-index hashing tables of one segment in memory: for each substring j, the documents
 * grouped by the value of their substring j (CSR layout: one {@code int[]} of documents, ascending
 * within a value, and the offsets of each value's run), so that probing a value is an array index
 * or a binary search instead of a terms-dictionary seek and a postings decode.
 *
 * <p>Built once per segment from the arrays of its cached codes and cached with them; the substring
 * terms stay the on-disk source of truth and tell the query m (see {@link
 * MultiIndexSearch#segmentSubstrings}). A table is direct-addressed (offsets indexed by the value,
 * {@code 2^length + 1} ints) when its substrings are short and the segment large enough to fill it,
 * otherwise it keeps the sorted distinct values and is searched by binary search.
 *
 * <p>Codes of at most 64 bits (one word) are also copied next to their documents, so that a run is
 * verified by reading consecutive memory instead of one random access into the codes per document,
 * which is what dominated the query time (a cache miss per candidate).
 *
 * <p>Memory: {@code m * count} ints of documents plus, per table, {@code 2^length + 1} ints
 * (direct) or about {@code count} longs and ints (sorted), plus {@code m * count} longs of copied
 * codes when codes have at most 64 bits. For 1M 64-bit codes and m = 4 that is 16 MB of documents,
 * 1 MB of offsets and 32 MB of copied codes, next to the 8 MB of the codes themselves.
 */
final class SubstringTable {
  /** Substrings of at most this many bits may be direct-addressed. */
  static final int MAX_DIRECT_BITS = 20;

  final int m;
  private final int[][] docs;
  private final int[][] offsets;

  /** Sorted distinct values of table j, or null when table j is direct-addressed. */
  private final long[][] values;

  /** For codes of one word, the code of each entry of {@link #docs}; null otherwise. */
  private final long[][] codes;

  private SubstringTable(int m, int[][] docs, int[][] offsets, long[][] values, long[][] codes) {
    this.m = m;
    this.docs = docs;
    this.offsets = offsets;
    this.values = values;
    this.codes = codes;
  }

  /**
   * The codes of table j's entries, parallel to {@link #docs(int)}, when codes are one word long
   * (so a run is verified by a sequential read instead of a random access per document); else null.
   */
  long[] codes(int j) {
    return codes == null ? null : codes[j];
  }

  /** The documents of table {@code j} (read {@link #start} to {@link #end}). */
  int[] docs(int j) {
    return docs[j];
  }

  /**
   * Where the documents whose substring j equals {@code value} begin in {@link #docs(int)}, or -1
   * when there are none; they end at {@link #end}(j, the returned index).
   */
  int start(int j, long value) {
    long[] sorted = values[j];
    if (sorted == null) {
      return (int) value; // offsets are indexed by the value itself
    }
    return binarySearch(sorted, value);
  }

  /** The end (exclusive) of the run that {@link #start} found at {@code slot}. */
  int end(int j, int slot) {
    return offsets[j][slot + 1];
  }

  /** The beginning of the run at {@code slot}. */
  int begin(int j, int slot) {
    return offsets[j][slot];
  }

  private static int binarySearch(long[] sorted, long value) {
    int lo = 0;
    int hi = sorted.length - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      long v = sorted[mid];
      if (v < value) {
        lo = mid + 1;
      } else if (v > value) {
        hi = mid - 1;
      } else {
        return mid;
      }
    }
    return -1;
  }

  /**
   * Builds the m tables of a segment's codes.
   *
   * @param codes the codes of documents 0..maxDoc-1, {@code ceil(bits / 64)} big-endian words each
   * @param withCode the documents that have a code, ascending
   */
  static SubstringTable build(long[] codes, int bits, int[] withCode, int m) {
    MultiIndexHashing.checkSubstrings(bits, m);
    int words = (bits + 63) / 64;
    int[][] docs = new int[m][];
    int[][] offsets = new int[m][];
    long[][] values = new long[m][];
    long[] word = new long[words];
    int n = withCode.length;
    long[] substrings = new long[n];
    for (int j = 0; j < m; j++) {
      int length = MultiIndexHashing.length(bits, m, j);
      int start = MultiIndexHashing.start(bits, m, j);
      for (int i = 0; i < n; i++) {
        System.arraycopy(codes, withCode[i] * words, word, 0, words);
        substrings[i] = MultiIndexHashing.substring(word, start, length);
      }
      if (length <= MAX_DIRECT_BITS && (1L << length) <= Math.max(1024L, 2L * n)) {
        buildDirect(j, length, withCode, substrings, n, docs, offsets);
      } else {
        buildSorted(j, withCode, substrings, n, docs, offsets, values);
      }
    }
    long[][] inline = null;
    if (words == 1) {
      inline = new long[m][n];
      for (int j = 0; j < m; j++) {
        for (int p = 0; p < n; p++) {
          inline[j][p] = codes[docs[j][p]];
        }
      }
    }
    return new SubstringTable(m, docs, offsets, values, inline);
  }

  /** Counting sort by value; documents stay ascending within a value. */
  private static void buildDirect(
      int j, int length, int[] withCode, long[] substrings, int n, int[][] docs, int[][] offsets) {
    int[] offset = new int[(1 << length) + 1];
    for (int i = 0; i < n; i++) {
      offset[(int) substrings[i] + 1]++;
    }
    for (int v = 0; v < (1 << length); v++) {
      offset[v + 1] += offset[v];
    }
    int[] next = java.util.Arrays.copyOf(offset, 1 << length);
    int[] sortedDocs = new int[n];
    for (int i = 0; i < n; i++) {
      sortedDocs[next[(int) substrings[i]]++] = withCode[i];
    }
    docs[j] = sortedDocs;
    offsets[j] = offset;
  }

  /** Sorts (value, doc) pairs and keeps the distinct values with the offsets of their runs. */
  private static void buildSorted(
      int j,
      int[] withCode,
      long[] substrings,
      int n,
      int[][] docs,
      int[][] offsets,
      long[][] values) {
    int[] sortedDocs = java.util.Arrays.copyOf(withCode, n);
    long[] keys = java.util.Arrays.copyOf(substrings, n);
    new IntroSorter() {
      private long pivotKey;
      private int pivotDoc;

      @Override
      protected void swap(int a, int b) {
        long k = keys[a];
        keys[a] = keys[b];
        keys[b] = k;
        int d = sortedDocs[a];
        sortedDocs[a] = sortedDocs[b];
        sortedDocs[b] = d;
      }

      @Override
      protected void setPivot(int i) {
        pivotKey = keys[i];
        pivotDoc = sortedDocs[i];
      }

      @Override
      protected int comparePivot(int i) {
        int c = Long.compare(pivotKey, keys[i]);
        return c != 0 ? c : Integer.compare(pivotDoc, sortedDocs[i]);
      }

      @Override
      protected int compare(int a, int b) {
        int c = Long.compare(keys[a], keys[b]);
        return c != 0 ? c : Integer.compare(sortedDocs[a], sortedDocs[b]);
      }
    }.sort(0, n);
    int distinct = 0;
    for (int i = 0; i < n; i++) {
      if (i == 0 || keys[i] != keys[i - 1]) {
        distinct++;
      }
    }
    long[] value = new long[distinct];
    int[] offset = new int[distinct + 1];
    int at = 0;
    for (int i = 0; i < n; i++) {
      if (i == 0 || keys[i] != keys[i - 1]) {
        value[at] = keys[i];
        offset[at++] = i;
      }
    }
    offset[distinct] = n;
    docs[j] = sortedDocs;
    offsets[j] = offset;
    values[j] = value;
  }
}
