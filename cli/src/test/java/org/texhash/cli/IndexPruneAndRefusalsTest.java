package org.texhash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * index --prune, and the runs texhash refuses: what they say, their exit code, and that they create
 * nothing.
 */
class IndexPruneAndRefusalsTest {
  @TempDir Path tmp;
  private final CliRun cli = new CliRun();

  @Test
  void aMovedFolderIsPrunedAndReindexedFromItsNewPlace() throws IOException {
    Path old = tmp.resolve("textures/wood");
    CliRun.texture(old.resolve("a.png"), 1);
    CliRun.texture(old.resolve("b.png"), 2);
    Path stays = CliRun.texture(tmp.resolve("textures/stone/c.png"), 3);
    Path index = tmp.resolve("idx");
    assertEquals(0, cli.run("index", tmp.resolve("textures"), "--index", index), cli.err());
    Path moved = Files.move(old, tmp.resolve("wood-moved"));

    assertEquals(2, cli.run("index", old, "--index", index));
    assertTrue(
        cli.err()
            .contains(
                "not a folder: "
                    + old
                    + "; to drop the documents of files that no longer exist: "
                    + "texhash index --prune --index "
                    + index),
        cli.err());

    assertEquals(0, cli.run("index", "--prune", "--index", index), cli.err());
    assertTrue(
        cli.out().startsWith(index + ": 2 documents pruned (file no longer exists)"), cli.out());
    assertTrue(cli.out().contains("  pruned " + CliRun.abs(old.resolve("a.png"))), cli.out());
    assertEquals(0, cli.run("info", "--index", index, "--json"));
    assertEquals(1, cli.json().get("documents").getAsInt());

    assertEquals(0, cli.run("index", moved, "--index", index, "--prune", "--json"), cli.err());
    assertEquals(2, cli.json().get("indexed").getAsInt());
    assertEquals(0, cli.json().getAsJsonArray("pruned").size());
    assertEquals(0, cli.run("search", "--index", index, "--path", stays, "-k", "5", "--json"));
    assertEquals(3, cli.json().getAsJsonArray("hits").size());

    assertEquals(2, cli.run("index", "--index", index), "DIR is needed without --prune");
    assertEquals(2, cli.run("index", "--prune", "--index", tmp.resolve("no-index")));
    assertTrue(cli.err().contains("no texhash index at"), cli.err());
  }

  @Test
  void refusedRunsCreateNothing() throws IOException {
    Path images = tmp.resolve("images");
    CliRun.texture(images.resolve("a.png"), 5);
    Path index = tmp.resolve("idx");
    Path fake = Files.writeString(tmp.resolve("fake.onnx"), "this is not an ONNX model");

    assertEquals(2, cli.run("index", tmp.resolve("missing"), "--index", index));
    assertEquals(2, cli.run("index", images, "--index", index, "--encoder", "nope-64"));
    assertEquals(
        2, cli.run("index", images, "--index", index, "--encoder", tmp.resolve("missing.onnx")));
    assertTrue(cli.err().contains("encoder file not found"), cli.err());
    assertEquals(
        2,
        cli.run("index", images, "--index", index, "--encoder", fake),
        "a bad encoder is a usage error");
    assertTrue(
        cli.err()
            .startsWith("texhash: " + fake + " is not an ONNX model that ONNX Runtime can load"),
        cli.err());
    assertEquals(1, cli.err().strip().lines().count(), cli.err());
    assertFalse(Files.exists(index), "no index folder after a refused run");
  }

  @Test
  void anIndexThatIsAFileIsSaidToBeOne() throws IOException {
    Path images = tmp.resolve("images");
    CliRun.texture(images.resolve("a.png"), 6);
    Path file = Files.writeString(tmp.resolve("notes.txt"), "keep me");
    String expected = file + " is a file, not an index folder";
    assertEquals(2, cli.run("index", images, "--index", file));
    assertTrue(cli.err().contains(expected), cli.err());
    assertEquals(2, cli.run("search", "--index", file, "--code", "0123456789abcdef"));
    assertTrue(cli.err().contains(expected), cli.err());
    assertEquals(2, cli.run("info", "--index", file));
    assertTrue(cli.err().contains(expected), cli.err());
    assertEquals("keep me", Files.readString(file));
  }

  @Test
  void aFolderWithoutImagesSaysSoWithItsOwnExitCode() throws IOException {
    Path empty = Files.createDirectories(tmp.resolve("notes"));
    Files.writeString(empty.resolve("readme.txt"), "no images here");
    Path index = tmp.resolve("idx");
    assertEquals(TexhashCommand.EXIT_NO_IMAGES, cli.run("index", empty, "--index", index));
    assertTrue(
        cli.err().contains("no images found under " + empty + " (looked for .bmp, "), cli.err());
    assertTrue(cli.err().contains(".png") && cli.err().contains("no index was created"), cli.err());
    assertFalse(Files.exists(index));

    // An index that exists keeps its other documents; the emptied folder's are deleted.
    Path images = tmp.resolve("images");
    CliRun.texture(images.resolve("a.png"), 7);
    CliRun.texture(tmp.resolve("other/b.png"), 8);
    assertEquals(0, cli.run("index", images, "--index", index), cli.err());
    assertEquals(0, cli.run("index", tmp.resolve("other"), "--index", index), cli.err());
    Files.delete(images.resolve("a.png"));
    assertEquals(3, cli.run("index", images, "--index", index));
    assertTrue(
        cli.err().contains("no images found under " + images)
            && cli.err().contains("1 documents of removed files deleted"),
        cli.err());
    assertEquals(0, cli.run("info", "--index", index, "--json"));
    assertEquals(1, cli.json().get("documents").getAsInt());
  }

  @Test
  void aCodeThatIsNotHexSaysWhatTheIndexExpects() throws IOException {
    Path images = tmp.resolve("images");
    CliRun.texture(images.resolve("a.png"), 9);
    Path index = tmp.resolve("idx");
    assertEquals(
        0, cli.run("index", images, "--index", index, "--encoder", "lbp-lsh-32"), cli.err());
    for (String bad : new String[] {"0f3a 5c00", "0f3a5c0", "0f3g5c00", ""}) {
      assertEquals(2, cli.run("search", "--index", index, "--code", bad), bad);
      assertTrue(cli.err().contains("not a hex code: '" + bad + "'"), cli.err());
      assertTrue(
          cli.err()
              .contains(
                  "32-bit codes (lbp-lsh-32), written as 8 hex digits without spaces, e.g."
                      + " 01234567"),
          cli.err());
    }
    assertEquals(2, cli.run("search", "--index", index, "--code", "0f3a5c0000"));
    assertTrue(
        cli.err()
            .contains("the query code has 40 bits; the index " + index + " holds 32-bit codes"),
        cli.err());
    assertTrue(cli.err().contains("written as 8 hex digits"), cli.err());
    assertEquals(0, cli.run("search", "--index", index, "--code", "0F3A5C00"), cli.err());
  }
}
