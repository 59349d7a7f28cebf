package org.texhash.cli.bench;

import java.util.Arrays;

/**
 * The reference: exact top-k by Hamming distance over a flat {@code long[]} with popcount, ties by
 * smaller id. No Lucene, no objects per code: the fastest simple scan, the limit a Lucene scan is
 * measured against.
 *
 * <p>The heap holds {@code distance << 32 | id} in one long, so one comparison orders by distance
 * then id, and the scan only touches the heap when a code beats the current k-th.
 */
public final class RawScan {
  private RawScan() {}

  /** Exact top-k ids of {@code query} over all of {@code codes}, nearest first. */
  public static int[] topK(PackedCodes codes, long[] query, int k) {
    return ids(topKPacked(codes, query, k, 0, codes.size()));
  }

  /**
   * Top-k over ids {@code [from, to)} as sorted {@code distance << 32 | id} entries; callers that
   * split the scan across threads merge these with {@link #merge}.
   */
  public static long[] topKPacked(PackedCodes codes, long[] query, int k, int from, int to) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1, got " + k);
    }
    if (query.length != codes.wordsPerCode()) {
      throw new IllegalArgumentException(
          "query has "
              + query.length
              + " words, the codes have "
              + codes.wordsPerCode()
              + " ("
              + codes.bits()
              + " bits)");
    }
    MaxHeap heap = new MaxHeap(Math.min(k, Math.max(1, to - from)));
    long[] w = codes.words();
    int wpc = codes.wordsPerCode();
    if (wpc == 1) {
      long q = query[0];
      for (int i = from; i < to; i++) {
        long d = Long.bitCount(w[i] ^ q);
        long entry = d << 32 | i;
        if (entry < heap.top) {
          heap.offer(entry);
        }
      }
    } else if (wpc == 4) {
      // K = 256, the paper's longest code: unrolled, as a hand-written scan would be.
      long q0 = query[0], q1 = query[1], q2 = query[2], q3 = query[3];
      for (int i = from, base = from * 4; i < to; i++, base += 4) {
        long d =
            Long.bitCount(w[base] ^ q0)
                + Long.bitCount(w[base + 1] ^ q1)
                + Long.bitCount(w[base + 2] ^ q2)
                + Long.bitCount(w[base + 3] ^ q3);
        long entry = d << 32 | i;
        if (entry < heap.top) {
          heap.offer(entry);
        }
      }
    } else if (wpc == 2) {
      long q0 = query[0], q1 = query[1];
      for (int i = from, base = from * 2; i < to; i++, base += 2) {
        long d = Long.bitCount(w[base] ^ q0) + Long.bitCount(w[base + 1] ^ q1);
        long entry = d << 32 | i;
        if (entry < heap.top) {
          heap.offer(entry);
        }
      }
    } else {
      for (int i = from, base = from * wpc; i < to; i++, base += wpc) {
        long d = 0;
        for (int j = 0; j < wpc; j++) {
          d += Long.bitCount(w[base + j] ^ query[j]);
        }
        long entry = d << 32 | i;
        if (entry < heap.top) {
          heap.offer(entry);
        }
      }
    }
    return heap.sorted();
  }

  /** The k smallest of several sorted packed lists, sorted. */
  public static long[] merge(long[][] parts, int k) {
    long[] all = Arrays.stream(parts).flatMapToLong(Arrays::stream).sorted().toArray();
    return Arrays.copyOf(all, Math.min(k, all.length));
  }

  public static int[] ids(long[] packed) {
    int[] ids = new int[packed.length];
    for (int i = 0; i < packed.length; i++) {
      ids[i] = (int) packed[i];
    }
    return ids;
  }

  public static int[] distances(long[] packed) {
    int[] d = new int[packed.length];
    for (int i = 0; i < packed.length; i++) {
      d[i] = (int) (packed[i] >>> 32);
    }
    return d;
  }

  /** A bounded binary max-heap of longs; {@code top} is the largest kept (MAX_VALUE until full). */
  private static final class MaxHeap {
    private final long[] heap;
    private int size;
    long top = Long.MAX_VALUE;

    MaxHeap(int capacity) {
      heap = new long[capacity];
    }

    void offer(long v) {
      if (size < heap.length) {
        int i = size++;
        while (i > 0 && heap[(i - 1) >>> 1] < v) {
          heap[i] = heap[(i - 1) >>> 1];
          i = (i - 1) >>> 1;
        }
        heap[i] = v;
        if (size == heap.length) {
          top = heap[0];
        }
        return;
      }
      // Replace the root and sift down.
      int i = 0;
      while (true) {
        int c = 2 * i + 1;
        if (c >= size) {
          break;
        }
        if (c + 1 < size && heap[c + 1] > heap[c]) {
          c++;
        }
        if (heap[c] <= v) {
          break;
        }
        heap[i] = heap[c];
        i = c;
      }
      heap[i] = v;
      top = heap[0];
    }

    long[] sorted() {
      long[] out = Arrays.copyOf(heap, size);
      Arrays.sort(out);
      return out;
    }
  }
}
