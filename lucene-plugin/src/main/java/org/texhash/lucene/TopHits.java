package org.texhash.lucene;

import java.util.Arrays;

/**
 * The k best (distance, doc) pairs seen so far, ordered by distance then doc id: a bounded max-heap
 * of packed keys {@code distance << 32 | doc}, so comparing keys compares distance first and breaks
 * ties by the lower doc id, exactly the order the queries promise.
 */
final class TopHits {
  private final int k;
  private long[] heap; // 1-based max-heap, grown on demand so a huge k costs nothing up front
  private int size;

  TopHits(int k) {
    this.k = k;
    this.heap = new long[Math.min(k, 1024) + 1];
  }

  static long key(int distance, int doc) {
    return ((long) distance << 32) | (doc & 0xFFFFFFFFL);
  }

  static int distance(long key) {
    return (int) (key >>> 32);
  }

  static int doc(long key) {
    return (int) key;
  }

  boolean full() {
    return size == k;
  }

  int size() {
    return size;
  }

  /** The distance of the worst kept hit; meaningful only when {@link #full()}. */
  int worstDistance() {
    return distance(heap[1]);
  }

  /**
   * A distance strictly below which a document must be offered during an ascending-doc scan: any
   * while not full, else below the worst kept distance (an equal distance loses on doc id).
   */
  int scanThreshold() {
    return size < k ? Integer.MAX_VALUE : distance(heap[1]);
  }

  /** Offers a hit; keeps it when it is among the k best keys. */
  void offer(int distance, int doc) {
    long key = key(distance, doc);
    if (size < k) {
      if (size + 1 == heap.length) {
        grow();
      }
      heap[++size] = key;
      upHeap(size);
    } else if (key < heap[1]) {
      heap[1] = key;
      downHeap(1);
    }
  }

  private void grow() {
    heap = Arrays.copyOf(heap, (int) Math.min((long) k + 1, 2L * heap.length));
  }

  /** The kept keys, best first. */
  long[] sortedKeys() {
    long[] keys = Arrays.copyOfRange(heap, 1, size + 1);
    Arrays.sort(keys);
    return keys;
  }

  private void upHeap(int i) {
    long v = heap[i];
    while (i > 1 && heap[i >>> 1] < v) {
      heap[i] = heap[i >>> 1];
      i >>>= 1;
    }
    heap[i] = v;
  }

  private void downHeap(int i) {
    long v = heap[i];
    while (true) {
      int c = i << 1;
      if (c > size) {
        break;
      }
      if (c < size && heap[c + 1] > heap[c]) {
        c++;
      }
      if (heap[c] <= v) {
        break;
      }
      heap[i] = heap[c];
      i = c;
    }
    heap[i] = v;
  }
}
