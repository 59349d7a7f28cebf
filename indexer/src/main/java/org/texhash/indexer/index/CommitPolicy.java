package org.texhash.indexer.index;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * When a {@link FolderIndexer} run commits: once {@code everyDocuments} documents have been written
 * since the last commit, or once {@code interval} has passed since it with at least one document
 * written, whichever comes first. It is asked after each image file, so a run killed at any moment
 * loses at most the images of the last {@code interval} (plus the one being encoded).
 *
 * <p>The clock is a {@link System#nanoTime}-like source, injectable so a test can move time without
 * waiting.
 */
final class CommitPolicy {
  private final int everyDocuments;
  private final long intervalNanos;
  private final LongSupplier nanoClock;
  private long lastCommit;
  private int pending;

  CommitPolicy(int everyDocuments, Duration interval, LongSupplier nanoClock) {
    if (everyDocuments < 1 || interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException(
          "commit policy: a positive number of documents and a positive interval are required, got "
              + everyDocuments
              + " and "
              + interval);
    }
    this.everyDocuments = everyDocuments;
    this.intervalNanos = interval.toNanos();
    this.nanoClock = nanoClock;
    this.lastCommit = nanoClock.getAsLong();
  }

  /** One more document was written (added, updated or deleted). */
  void written() {
    pending++;
  }

  /** Whether to commit now. */
  boolean due() {
    return pending >= everyDocuments
        || (pending > 0 && nanoClock.getAsLong() - lastCommit >= intervalNanos);
  }

  /** A commit was made: everything written so far is durable. */
  void committed() {
    pending = 0;
    lastCommit = nanoClock.getAsLong();
  }
}
