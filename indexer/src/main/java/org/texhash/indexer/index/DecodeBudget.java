package org.texhash.indexer.index;

import java.util.concurrent.Semaphore;

/**
 * Bytes of heap the decoding threads of a run may hold at once, shared by all of them. A thread
 * takes an image's estimated cost before reading it and gives it back when the crops are made; an
 * image that costs more than the whole budget takes all of it and decodes alone. So however many
 * threads run, decoding never needs more than the budget (plus one oversized image), and whether an
 * image fits in memory does not depend on what the other threads happen to be decoding: 1, 2 or 8
 * threads give the same index.
 *
 * <p>Permits are counted in KiB, so budgets up to 2 TiB fit a {@link Semaphore}; the semaphore is
 * fair, so a large image is not starved by a stream of small ones.
 */
final class DecodeBudget {
  /**
   * Heap an image needs while it is decoded, converted and resized, per decoded pixel (see
   * INDEXING.md).
   */
  static final int BYTES_PER_PIXEL = 32;

  private final long bytes;
  private final int kib;
  private final Semaphore permits;

  DecodeBudget(long bytes) {
    if (bytes < 1024) {
      throw new IllegalArgumentException(
          "decode budget must be at least 1 KiB, got " + bytes + " bytes");
    }
    this.bytes = bytes;
    this.kib = (int) Math.min(Integer.MAX_VALUE, bytes / 1024);
    this.permits = new Semaphore(kib, true);
  }

  /** The budget in bytes. */
  long bytes() {
    return bytes;
  }

  /** The heap one image costs: its file's bytes plus {@link #BYTES_PER_PIXEL} per pixel. */
  static long cost(long fileBytes, long pixels) {
    return fileBytes + BYTES_PER_PIXEL * Math.max(0, pixels);
  }

  /** Blocks until {@code cost} bytes (at most the whole budget) are free, and takes them. */
  Lease acquire(long cost) throws InterruptedException {
    int n = (int) Math.max(1, Math.min(kib, (cost + 1023) / 1024));
    permits.acquire(n);
    return new Lease(n);
  }

  /** Whether a thread is waiting for bytes (for tests). */
  boolean hasWaiters() {
    return permits.hasQueuedThreads();
  }

  /** KiB free now (for tests). */
  int availableKib() {
    return permits.availablePermits();
  }

  /** Bytes taken by one image; closing gives them back (once). */
  final class Lease implements AutoCloseable {
    private int held;

    private Lease(int held) {
      this.held = held;
    }

    @Override
    public void close() {
      if (held > 0) {
        permits.release(held);
        held = 0;
      }
    }
  }
}
