package org.texhash.indexer.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.Bits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.texhash.indexer.encoder.Encoder;
import org.texhash.indexer.encoder.classic.LbpLshEncoder;
import org.texhash.indexer.image.ImageLoader;
import org.texhash.indexer.image.TestImages;

/**
 * File names kept as the file system's bytes, and links and special files reported, not skipped
 * silently.
 */
class FolderPathsTest {
  private static final Encoder ENCODER = new LbpLshEncoder(64, 32);
  private static final FolderIndexer.Options OPTIONS =
      FolderIndexer.Options.defaults().withThreads(2);

  @TempDir Path tmp;

  @Test
  void namesThatAreNotValidUtf8AreThreeDocumentsThatOpenAndTheRunSettles() throws Exception {
    Path images = Files.createDirectories(tmp.resolve("images"));
    // 0xFF and 0xFE are never valid UTF-8; the third name is a real U+FFFD, what a lossy decode of
    // both gives.
    Path ff = Path.of(URI.create(images.toUri() + "x-%FF.png"));
    Path fe = Path.of(URI.create(images.toUri() + "x-%FE.png"));
    Path replacement = images.resolve("x-\uFFFD.png");
    try {
      TestImages.writeTexture(ff, 1, 64);
      TestImages.writeTexture(fe, 2, 64);
    } catch (java.io.IOException | java.nio.file.InvalidPathException e) {
      assumeTrue(false, "this file system refuses names that are not valid UTF-8: " + e);
    }
    TestImages.writeTexture(replacement, 3, 64);
    Path index = tmp.resolve("index");

    IndexReport first = new FolderIndexer(ENCODER, OPTIONS, p -> {}).index(images, index);
    assertEquals(3, first.indexed(), first.errors().toString());
    Map<String, String> stored = stored(index);
    assertEquals(3, stored.size(), stored.toString());
    Set<Path> opened = new TreeSet<>();
    for (String path : stored.keySet()) {
      Path file = IndexFields.toPath(path);
      assertTrue(Files.isRegularFile(file), "stored path opens: " + path);
      ImageLoader.load(file);
      opened.add(file);
    }
    assertEquals(Set.of(ff, fe, replacement), opened);

    IndexReport second = new FolderIndexer(ENCODER, OPTIONS, p -> {}).index(images, index);
    assertEquals(0, second.indexed());
    assertEquals(3, second.unchanged());
    assertEquals(0, second.deleted());

    Files.delete(ff);
    IndexReport third = new FolderIndexer(ENCODER, OPTIONS, p -> {}).index(images, index);
    assertEquals(1, third.deleted());
    assertEquals(2, stored(index).size());
  }

  @Test
  void linksAreFollowedToFilesAndEveryOtherLinkOrSpecialFileIsAnError() throws Exception {
    Path images = Files.createDirectories(tmp.resolve("images"));
    Path real = TestImages.writeTexture(images.resolve("real.png"), 4, 64);
    Path outside = TestImages.writeTexture(tmp.resolve("outside/o.png"), 5, 64);
    Files.createSymbolicLink(images.resolve("to-file.png"), real);
    Files.createSymbolicLink(images.resolve("to-outside.jpg"), outside);
    Files.createSymbolicLink(images.resolve("dangling.png"), images.resolve("gone.png"));
    Files.createSymbolicLink(images.resolve("loop-a.png"), images.resolve("loop-b.png"));
    Files.createSymbolicLink(images.resolve("loop-b.png"), images.resolve("loop-a.png"));
    Files.createSymbolicLink(images.resolve("folder-link"), tmp.resolve("outside"));
    boolean fifo =
        new ProcessBuilder("mkfifo", images.resolve("pipe.png").toString()).start().waitFor() == 0;

    IndexReport report =
        new FolderIndexer(ENCODER, OPTIONS, p -> {}).index(images, tmp.resolve("index"));
    assertEquals(3, report.indexed(), report.errors().toString());
    Map<String, String> reasons = new TreeMap<>();
    report
        .errors()
        .forEach(e -> reasons.put(Path.of(e.path()).getFileName().toString(), e.reason()));
    assertTrue(reasons.get("dangling.png").startsWith("dangling link"), reasons.toString());
    assertTrue(reasons.get("loop-a.png").startsWith("link loop"), reasons.toString());
    assertTrue(reasons.get("loop-b.png").startsWith("link loop"), reasons.toString());
    assertTrue(
        reasons.get("folder-link").startsWith("link to a folder, not followed"),
        reasons.toString());
    if (fifo) {
      assertTrue(reasons.get("pipe.png").startsWith("a special file"), reasons.toString());
    }
    assertEquals(fifo ? 5 : 4, reasons.size(), reasons.toString());
  }

  /** Stored path to SHA-256 of every live document. */
  private static Map<String, String> stored(Path index) throws Exception {
    Map<String, String> out = new TreeMap<>();
    try (FSDirectory dir = FSDirectory.open(index);
        DirectoryReader reader = DirectoryReader.open(dir)) {
      for (LeafReaderContext leaf : reader.leaves()) {
        Bits live = leaf.reader().getLiveDocs();
        StoredFields fields = leaf.reader().storedFields();
        for (int doc = 0; doc < leaf.reader().maxDoc(); doc++) {
          if (live == null || live.get(doc)) {
            IndexFields.FileState s = IndexFields.read(fields, doc).orElseThrow();
            assertEquals(null, out.put(s.path(), s.sha256()), "one document per path");
          }
        }
      }
    }
    return out;
  }
}
