package org.texhash.indexer.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.texhash.indexer.encoder.Encoder;
import org.texhash.indexer.encoder.classic.LbpLshEncoder;
import org.texhash.indexer.image.TestImages;

/** Commits every N documents or every T, with a clock the test moves (nothing waits). */
class CommitPolicyTest {
  private static final Encoder ENCODER = new LbpLshEncoder(64, 32);

  @TempDir Path tmp;

  @Test
  void dueAfterNDocumentsOrTheIntervalWithSomethingWritten() {
    AtomicLong now = new AtomicLong();
    CommitPolicy policy = new CommitPolicy(3, Duration.ofSeconds(30), now::get);
    now.addAndGet(Duration.ofMinutes(5).toNanos());
    assertFalse(policy.due(), "nothing written: nothing to commit, however long it has been");
    policy.written();
    assertTrue(policy.due(), "one document and the interval passed");
    policy.committed();
    policy.written();
    policy.written();
    assertFalse(policy.due());
    policy.written();
    assertTrue(policy.due(), "three documents");
    policy.committed();
    policy.written();
    now.addAndGet(Duration.ofSeconds(29).toNanos());
    assertFalse(policy.due());
    now.addAndGet(Duration.ofSeconds(1).toNanos());
    assertTrue(policy.due());
  }

  @Test
  void badSettingsAreRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new CommitPolicy(0, Duration.ofSeconds(1), System::nanoTime));
    assertThrows(
        IllegalArgumentException.class, () -> new CommitPolicy(1, Duration.ZERO, System::nanoTime));
    assertThrows(
        IllegalArgumentException.class,
        () -> FolderIndexer.Options.defaults().withCommitInterval(Duration.ofSeconds(-1)));
  }

  @Test
  void aRunCommitsEveryNDocuments() throws Exception {
    List<Integer> committed =
        run(FolderIndexer.Options.defaults().withCommitEvery(4), new AtomicLong(), 0);
    assertEquals(List.of(0, 0, 0, 4, 4, 4, 4, 8, 8, 8, 8, 12, 12, 12), committed);
  }

  @Test
  void aRunCommitsWhenTheIntervalHasPassed() throws Exception {
    // Each image takes 10 s on the test's clock; with 30 s between commits, files 4, 7, 10 and 13
    // commit.
    List<Integer> committed =
        run(
            FolderIndexer.Options.defaults().withCommitInterval(Duration.ofSeconds(30)),
            new AtomicLong(),
            10);
    assertEquals(List.of(0, 0, 0, 4, 4, 4, 7, 7, 7, 10, 10, 10, 13, 13), committed);
  }

  /** Indexes 14 images with one thread; the committed count after each file. */
  private List<Integer> run(FolderIndexer.Options options, AtomicLong clock, int secondsPerImage)
      throws Exception {
    Path images = tmp.resolve("images");
    for (int i = 0; i < 14; i++) {
      TestImages.writeTexture(images.resolve(String.format("i%02d.png", i)), 90 + i, 48);
    }
    List<Integer> committed = new ArrayList<>();
    FolderIndexer indexer =
        new FolderIndexer(
            ENCODER,
            options.withThreads(1).withBatchImages(2),
            p -> {
              committed.add(p.committed());
              clock.addAndGet(Duration.ofSeconds(secondsPerImage).toNanos());
            },
            clock::get);
    IndexReport report = indexer.index(images, tmp.resolve("index"));
    assertEquals(14, report.indexed());
    return committed;
  }
}
