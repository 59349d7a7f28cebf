package org.texhash.indexer.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.lucene.index.CheckIndex;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.Bits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.texhash.indexer.encoder.Encoder;
import org.texhash.indexer.encoder.classic.LbpLshEncoder;
import org.texhash.indexer.image.TestImages;
import org.texhash.lucene.HashCode;

/**
 * A real {@code kill -9} of a child JVM ({@link PausingIndexRun}) in the middle of indexing, four
 * times in a row at seeded random points, then a run to the end. The child pauses after each image
 * file until the parent answers, so each kill lands at a known file (with decoding threads busy and
 * documents buffered but not committed) and every assertion is exact: the index holds exactly the
 * committed documents, CheckIndex finds it clean, the next run counts every one of them as
 * unchanged and encodes only the rest, and the finished index equals an uninterrupted one.
 */
class KillResumeTest {
  private static final int IMAGES = 30;
  private static final int COMMIT_EVERY = 4;

  @TempDir Path tmp;

  @Test
  void killedRunsKeepEveryCommitAndTheResumedRunEncodesOnlyTheRest() throws Exception {
    Path images = tmp.resolve("images");
    for (int i = 0; i < IMAGES; i++) {
      TestImages.writeTexture(
          images.resolve(String.format("t%02d.%s", i, i % 3 == 0 ? "jpg" : "png")),
          500 + i,
          48 + 8 * (i % 5));
    }
    Path reference = tmp.resolve("reference");
    try (Encoder encoder = new LbpLshEncoder(64, 32)) {
      new FolderIndexer(encoder, FolderIndexer.Options.defaults().withThreads(1), p -> {})
          .index(images, reference);
    }
    Map<String, HashCode> expected = codes(reference);
    assertEquals(IMAGES, expected.size());

    Path index = tmp.resolve("index");
    Random random = new Random(0x5EEDL);
    for (int kill = 0; kill < 4; kill++) {
      int before = codes(index).size();
      int target = before + 1 + random.nextInt(IMAGES - before);
      int[] last = runAndKill(images, index, target);
      assertEquals(target, last[0]);
      assertEquals(
          before,
          last[1],
          "kill " + kill + ": every committed file counted as unchanged, none re-encoded");
      assertEquals(target - before, last[2], "kill " + kill + ": only uncommitted files encoded");
      Map<String, HashCode> survived = codes(index);
      assertEquals(
          before + last[3],
          survived.size(),
          "kill " + kill + " at file " + target + ": the index holds the commits");
      survived.forEach((path, code) -> assertEquals(expected.get(path), code, path));
      try (FSDirectory dir = FSDirectory.open(index);
          CheckIndex check = new CheckIndex(dir)) {
        assertTrue(check.checkIndex().clean, "CheckIndex after kill " + kill);
      }
    }

    int kept = codes(index).size();
    IndexReport resumed;
    try (Encoder encoder = new LbpLshEncoder(64, 32)) {
      resumed =
          new FolderIndexer(encoder, FolderIndexer.Options.defaults().withThreads(2), p -> {})
              .index(images, index);
    }
    assertEquals(kept, resumed.unchanged());
    assertEquals(IMAGES - kept, resumed.indexed());
    assertEquals(expected, codes(index));
  }

  /**
   * Starts the child, answers its progress lines until file {@code target}, kills it -9; its last
   * line's numbers.
   */
  private int[] runAndKill(Path images, Path index, int target)
      throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                PausingIndexRun.class.getName(),
                images.toString(),
                index.toString(),
                Integer.toString(COMMIT_EVERY))
            .redirectError(ProcessBuilder.Redirect.appendTo(tmp.resolve("child.err").toFile()))
            .start();
    int[] last = null;
    try (BufferedReader out =
            new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        OutputStream in = child.getOutputStream()) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        if (!line.startsWith("progress ")) {
          continue;
        }
        String[] f = line.split(" ");
        last =
            new int[] {
              Integer.parseInt(f[1]),
              Integer.parseInt(f[2]),
              Integer.parseInt(f[3]),
              Integer.parseInt(f[4])
            };
        if (last[0] == target) {
          child.destroyForcibly(); // SIGKILL on Unix
          break;
        }
        in.write('\n');
        in.flush();
      }
    }
    int status = child.waitFor();
    String err =
        Files.exists(tmp.resolve("child.err")) ? Files.readString(tmp.resolve("child.err")) : "";
    assertTrue(
        last != null && last[0] == target, "the child stopped before file " + target + ": " + err);
    assertEquals(128 + 9, status, "killed by SIGKILL; child stderr: " + err);
    return last;
  }

  /** Path to code of every live document of the last commit; empty when there is no commit. */
  private static Map<String, HashCode> codes(Path index) throws IOException {
    Map<String, HashCode> out = new TreeMap<>();
    if (!Files.isDirectory(index)) {
      return out;
    }
    try (FSDirectory dir = FSDirectory.open(index)) {
      if (!DirectoryReader.indexExists(dir)) {
        return out;
      }
      try (DirectoryReader reader = DirectoryReader.open(dir)) {
        for (LeafReaderContext leaf : reader.leaves()) {
          Bits live = leaf.reader().getLiveDocs();
          StoredFields fields = leaf.reader().storedFields();
          for (int doc = 0; doc < leaf.reader().maxDoc(); doc++) {
            if (live == null || live.get(doc)) {
              String path = IndexFields.read(fields, doc).orElseThrow().path();
              HashCode previous = out.put(path, IndexFields.code(leaf.reader(), doc).orElseThrow());
              assertEquals(null, previous, "duplicate document for " + path);
            }
          }
        }
      }
    }
    return out;
  }
}
