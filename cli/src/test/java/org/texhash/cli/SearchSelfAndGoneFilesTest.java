package org.texhash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * search --exclude-self, the note when the query is itself indexed, and hits whose file is gone.
 */
class SearchSelfAndGoneFilesTest {
  @TempDir Path tmp;
  private final CliRun cli = new CliRun();
  private Path images;
  private Path index;

  @BeforeEach
  void indexed() throws IOException {
    images = tmp.resolve("images");
    for (int i = 0; i < 5; i++) {
      CliRun.texture(images.resolve("t" + i + ".png"), 40 + i);
    }
    Files.copy(
        images.resolve("t0.png"), images.resolve("copy-of-t0.png")); // same bytes, another name
    index = tmp.resolve("idx");
    assertEquals(0, cli.run("index", images, "--index", index), cli.err());
  }

  @Test
  void anIndexedQueryIsNamedAndExcludeSelfLeavesItAndItsCopiesOut() {
    String t0 = CliRun.abs(images.resolve("t0.png"));
    String copy = CliRun.abs(images.resolve("copy-of-t0.png"));

    assertEquals(
        0,
        cli.run("search", "--index", index, "--image", images.resolve("t0.png"), "-k", "3"),
        cli.err());
    assertTrue(
        cli.out()
            .contains(
                "the query is itself in the index, as "
                    + t0
                    + ", "
                    + copy
                    + " (--exclude-self leaves it out)"),
        cli.out());

    assertEquals(
        0,
        cli.run(
            "search", "--index", index, "--image", images.resolve("t0.png"), "-k", "3", "--json"),
        cli.err());
    assertEquals(List.of(t0, copy), strings(cli.json().getAsJsonArray("query_in_index")));
    List<String> withSelf = paths(cli.json());
    assertTrue(withSelf.subList(0, 2).containsAll(List.of(t0, copy)), withSelf.toString());

    assertEquals(
        0,
        cli.run(
            "search",
            "--index",
            index,
            "--image",
            images.resolve("t0.png"),
            "-k",
            "3",
            "--exclude-self",
            "--json"));
    List<String> others = paths(cli.json());
    assertEquals(3, others.size(), "-k 3 still gives 3 hits: " + others);
    assertFalse(others.contains(t0) || others.contains(copy), others.toString());
    assertEquals(withSelf.get(2), others.get(0), "the first other image comes first");

    assertEquals(
        0, cli.run("search", "--index", index, "--path", t0, "--radius", "64", "--exclude-self"));
    assertTrue(cli.out().contains("4 hits in"), cli.out());
    assertTrue(
        cli.out().contains("left out the query itself, indexed as " + t0 + ", " + copy), cli.out());
  }

  @Test
  void aQueryOutsideTheIndexHasNoNote() throws IOException {
    Path outside = CliRun.texture(tmp.resolve("elsewhere/q.png"), 99);
    assertEquals(
        0,
        cli.run(
            "search", "--index", index, "--image", outside, "-k", "2", "--exclude-self", "--json"));
    assertEquals(0, cli.json().getAsJsonArray("query_in_index").size());
    assertEquals(2, paths(cli.json()).size());
    assertEquals(0, cli.run("search", "--index", index, "--image", outside, "-k", "2"));
    assertFalse(cli.out().contains("query is itself"), cli.out());
  }

  @Test
  void aHitWhoseFileIsGoneIsMarked() throws IOException {
    Path gone = images.resolve("t3.png");
    String query = CliRun.abs(gone);
    Files.delete(gone);
    assertEquals(0, cli.run("search", "--index", index, "--path", query, "-k", "6"));
    assertTrue(cli.out().contains(query + "  (file no longer exists)"), cli.out());
    assertTrue(
        cli.out()
            .contains(
                "1 hit is a file that no longer exists (texhash index --prune --index "
                    + index
                    + " drops them)"),
        cli.out());

    assertEquals(0, cli.run("search", "--index", index, "--path", query, "-k", "6", "--json"));
    for (JsonElement e : cli.json().getAsJsonArray("hits")) {
      JsonObject hit = e.getAsJsonObject();
      assertEquals(
          !hit.get("path").getAsString().equals(query),
          hit.get("exists").getAsBoolean(),
          hit.toString());
    }
  }

  private static List<String> paths(JsonObject result) {
    List<String> out = new ArrayList<>();
    result
        .getAsJsonArray("hits")
        .forEach(h -> out.add(h.getAsJsonObject().get("path").getAsString()));
    return out;
  }

  private static List<String> strings(JsonArray array) {
    List<String> out = new ArrayList<>();
    array.forEach(e -> out.add(e.getAsString()));
    return out;
  }
}
