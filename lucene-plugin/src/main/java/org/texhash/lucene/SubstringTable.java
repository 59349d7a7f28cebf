package org.texhash.lucene;

import org.apache.lucene.util.IntroSorter;

/**
 * The m multi-index hashing tables of one segment in memory: for each substring j, the documents
 * grouped by the value of their substring j (CSR layout: one {@code int[]} of documents, ascending
 * within a value, and the offsets of each value's run), so that probing a value is an array index
 * or a binary search instead of a terms-dictionary seek and a postings decode.
 *
 * <p>Built once per segment from the cached codes ({@link SegmentCodes#substringTable}) and cached
 * with them; the substring terms stay the on-disk source of truth and tell the query m (see
 * {@link MultiIndexSearch#segmentSubstrings}). A table is direct-addressed (offsets indexed by the
 * value, {@code 2^length + 1} ints) when its substrings are short and the segment large enough to
 * fill it, otherwise it keeps the sorted distinct values and is searched by binary search.
 *
 * <p>Memory: {@code m * count} ints of documents plus, per table, {@code 2^length + 1} ints
 * (direct) or about {@code count} longs and ints (sorted). For 1M 64-bit codes and m = 4 that is
 * 16 MB of documents and 1 MB of offsets, next to the 8 MB of the codes themselves.
 */
final class SubstringTable {
  /** Substrings of at most this many bits may be direct-addressed. */
  static final int MAX_DIRECT_BITS = 20;

  final int m;
  private final int[][] docs;
  private final int[][] offsets;
  /** Sorted distinct values of table j, or null when table j is direct-addressed. */
  private final long[][] values;

  private SubstringTable(int m, int[][] docs, int[][] offsets, long[][] values) {
    this.m = m;
    this.docs = docs;
    this.offsets = offsets;
    this.values = values;
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

  boolean direct(int j) {
    return values[j] == null;
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

  /** Builds the m tables of the segment's codes. */
  static SubstringTable build(SegmentCodes codes, int m) {
    MultiIndexHashing.checkSubstrings(codes.bits, m);
    int[][] docs = new int[m][];
    int[][] offsets = new int[m][];
    long[][] values = new long[m][];
    long[] word = new long[codes.words];
    int[] withCode = new int[codes.count];
    int n = 0;
    for (int doc = 0; doc < codes.maxDoc; doc++) {
      if (codes.has(doc)) {
        withCode[n++] = doc;
      }
    }
    long[] substrings = new long[codes.count];
    for (int j = 0; j < m; j++) {
      int length = MultiIndexHashing.length(codes.bits, m, j);
      int start = MultiIndexHashing.start(codes.bits, m, j);
      for (int i = 0; i < n; i++) {
        System.arraycopy(codes.codes, withCode[i] * codes.words, word, 0, codes.words);
        substrings[i] = MultiIndexHashing.substring(word, start, length);
      }
      if (length <= MAX_DIRECT_BITS && (1L << length) <= Math.max(1024L, 2L * n)) {
        buildDirect(j, length, withCode, substrings, n, docs, offsets);
      } else {
        buildSorted(j, withCode, substrings, n, docs, offsets, values);
      }
    }
    return new SubstringTable(m, docs, offsets, values);
  }

  /** Counting sort by value; documents stay ascending within a value. */
  private static void buildDirect(int j, int length, int[] withCode, long[] substrings, int n,
      int[][] docs, int[][] offsets) {
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
  private static void buildSorted(int j, int[] withCode, long[] substrings, int n,
      int[][] docs, int[][] offsets, long[][] values) {
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
