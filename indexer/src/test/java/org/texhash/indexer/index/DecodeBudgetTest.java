package org.texhash.indexer.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.texhash.indexer.encoder.classic.LbpLshEncoder;
import org.texhash.indexer.image.TestImages;

/**
 * The decode budget: shared by the threads, never exceeded, and the index independent of the thread
 * count.
 */
class DecodeBudgetTest {
  @TempDir Path tmp;

  @Test
  void aSecondImageWaitsUntilTheFirstGivesItsBytesBack() throws Exception {
    DecodeBudget budget = new DecodeBudget(100 << 10);
    DecodeBudget.Lease first = budget.acquire(60 << 10);
    assertEquals(40, budget.availableKib());
    List<String> order = new ArrayList<>();
    Thread second =
        new Thread(
            () -> {
              try (DecodeBudget.Lease lease = budget.acquire(60 << 10)) {
                synchronized (order) {
                  order.add("second decodes");
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    second.start();
    while (!budget.hasWaiters()) {
      Thread.onSpinWait(); // until the second thread is queued (a state, not a time)
    }
    synchronized (order) {
      order.add("first gives back");
    }
    first.close();
    second.join();
    assertEquals(List.of("first gives back", "second decodes"), order);
    assertEquals(100, budget.availableKib());
  }

  @Test
  void anImageLargerThanTheBudgetTakesAllOfItAndStillDecodes() throws Exception {
    DecodeBudget budget = new DecodeBudget(64 << 10);
    try (DecodeBudget.Lease lease = budget.acquire(DecodeBudget.cost(10_000, 4000L * 4000))) {
      assertEquals(0, budget.availableKib());
    }
    assertEquals(64, budget.availableKib());
    DecodeBudget.Lease once = budget.acquire(1);
    once.close();
    once.close(); // closing twice gives back once
    assertEquals(64, budget.availableKib());
  }

  @Test
  void oneTwoAndEightThreadsGiveTheSameIndex() throws Exception {
    Path images = tmp.resolve("images");
    for (int i = 0; i < 6; i++) {
      TestImages.writeTexture(images.resolve("large" + i + ".png"), 70 + i, 700 + 40 * i);
    }
    for (int i = 0; i < 10; i++) {
      TestImages.writeTexture(images.resolve("small" + i + ".jpg"), 80 + i, 64);
    }
    byte[] png = Files.readAllBytes(images.resolve("large0.png"));
    Files.write(images.resolve("cut.png"), TestImages.truncate(png, 0.6));
    Files.write(images.resolve("empty.gif"), new byte[0]);
    Map<String, String> reference = null;
    for (int threads : new int[] {1, 2, 8}) {
      Path index = tmp.resolve("index" + threads);
      // 8 MiB: one 860 x 860 image (about 24 MB by the estimate) takes the whole budget.
      FolderIndexer.Options options =
          FolderIndexer.Options.defaults()
              .withThreads(threads)
              .withBatchImages(4)
              .withDecodeMemory(8 << 20);
      IndexReport report =
          new FolderIndexer(new LbpLshEncoder(64, 32), options, p -> {}).index(images, index);
      assertEquals(16, report.indexed(), "threads " + threads);
      assertEquals(2, report.skipped(), "threads " + threads);
      Map<String, String> codes = codes(index);
      if (reference == null) {
        reference = codes;
      } else {
        assertEquals(reference, codes, "threads " + threads);
      }
    }
    assertFalse(reference.isEmpty());
    assertTrue(reference.keySet().stream().allMatch(p -> p.contains(images.toString())));
  }

  private static Map<String, String> codes(Path index) throws Exception {
    Map<String, String> out = new TreeMap<>();
    try (FSDirectory dir = FSDirectory.open(index);
        DirectoryReader reader = DirectoryReader.open(dir)) {
      for (LeafReaderContext leaf : reader.leaves()) {
        StoredFields fields = leaf.reader().storedFields();
        for (int doc = 0; doc < leaf.reader().maxDoc(); doc++) {
          out.put(
              IndexFields.read(fields, doc).orElseThrow().path(),
              IndexFields.code(leaf.reader(), doc).orElseThrow().toHex());
        }
      }
    }
    return out;
  }
}
