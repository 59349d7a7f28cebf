package org.texhash.lucene;

import java.util.Arrays;
import java.util.List;

/**
 * The k best (distance, doc) pairs seen so far, ordered by distance then doc id: a bounded max-heap
 * of packed keys {@code distance << 32 | doc}, so comparing keys compares distance first and breaks
 * ties by the lower doc id, exactly the order the queries promise.
 *
 * <p>The only class that packs hits into longs: everything else sees {@link HammingHits}.
 */
final class TopHits {
  private final int k;
  private long[] heap; // 1-based max-heap, grown on demand so a huge k costs nothing up front
  private int size;

  TopHits(int k) {
    this.k = k;
    this.heap = new long[Math.min(k, 1024) + 1];
  }

  private static long key(int distance, int doc) {
    return ((long) distance << 32) | (doc & 0xFFFFFFFFL);
  }

  private static int distance(long key) {
    return (int) (key >>> 32);
  }

  private static int doc(long key) {
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

  /** The kept hits, best first (their total: themselves). */
  HammingHits hits() {
    long[] keys = Arrays.copyOfRange(heap, 1, size + 1);
    Arrays.sort(keys);
    return unpack(keys, size);
  }

  /** The k best hits of all parts, best first, reporting {@code totalHits} ranked documents. */
  static HammingHits merge(List<HammingHits> parts, int k, long totalHits) {
    int count = 0;
    for (HammingHits part : parts) {
      count += part.size();
    }
    long[] all = new long[count];
    int at = 0;
    for (HammingHits part : parts) {
      for (int i = 0; i < part.size(); i++) {
        all[at++] = key(part.distance(i), part.doc(i));
      }
    }
    Arrays.sort(all);
    return unpack(all.length <= k ? all : Arrays.copyOf(all, k), totalHits);
  }

  /**
   * The hits' doc ids ascending (into {@code docs}) with their distances (into {@code distances}).
   */
  static void byDoc(HammingHits hits, int[] docs, int[] distances) {
    long[] byDoc = new long[hits.size()];
    for (int i = 0; i < byDoc.length; i++) {
      byDoc[i] =
          ((long) hits.doc(i) << 32) | hits.distance(i); // doc in the high half: sorts by doc
    }
    Arrays.sort(byDoc);
    for (int i = 0; i < byDoc.length; i++) {
      docs[i] = (int) (byDoc[i] >>> 32);
      distances[i] = (int) byDoc[i];
    }
  }

  private static HammingHits unpack(long[] keys, long totalHits) {
    int[] docs = new int[keys.length];
    int[] distances = new int[keys.length];
    for (int i = 0; i < keys.length; i++) {
      docs[i] = doc(keys[i]);
      distances[i] = distance(keys[i]);
    }
    return new HammingHits(docs, distances, totalHits);
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
