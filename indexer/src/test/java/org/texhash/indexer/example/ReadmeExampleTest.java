package org.texhash.indexer.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.texhash.indexer.image.TestImages;

/** The README's Java example runs, finds what it says, and is the code the README shows. */
class ReadmeExampleTest {
  private static final Path EXAMPLE =
      Path.of("src/test/java/org/texhash/indexer/example/ReadmeExample.java");
  private static final Path README = Path.of("../lucene-plugin/README.md");
  private static final String BEGIN = "// README example: begin";
  private static final String END = "// README example: end";

  @TempDir Path tmp;

  @Test
  void findsTheQueryAmongTheStonesOnly() throws IOException {
    Path brick = TestImages.writeTexture(tmp.resolve("brick.png"), 11, 96);
    Path cobble = TestImages.writeTexture(tmp.resolve("cobble.png"), 12, 96);
    Path grass = TestImages.writeTexture(tmp.resolve("grass.png"), 13, 96);
    Path query = Files.copy(brick, tmp.resolve("query.png"));

    List<String> found = ReadmeExample.nearestStones(brick, cobble, grass, query);

    assertEquals(2, found.size(), found.toString());
    assertEquals(brick + " at distance 0", found.get(0));
    assertTrue(found.get(1).startsWith(cobble + " at distance "), found.toString());
  }

  @Test
  void theReadmeShowsTheCompiledCode() throws IOException {
    String code =
        between(Files.readString(EXAMPLE), BEGIN, END).stripTrailing().stripIndent().strip();
    String readme = Files.readString(README);
    String shown = between(readme, "<!-- " + BEGIN + " -->", "<!-- " + END + " -->").strip();
    assertTrue(
        shown.startsWith("```java\n") && shown.endsWith("\n```"),
        "a java code block between the markers");
    assertEquals(
        code,
        shown.substring("```java\n".length(), shown.length() - "\n```".length()).strip(),
        "lucene-plugin/README.md must show the code of ReadmeExample.java between the markers (copy"
            + " it over)");
  }

  private static String between(String text, String begin, String end) {
    int from = text.indexOf(begin);
    int to = text.indexOf(end);
    assertTrue(from >= 0 && to > from, "markers " + begin + " / " + end);
    String inside = text.substring(from + begin.length(), to);
    return inside.substring(inside.indexOf('\n') + 1, inside.lastIndexOf('\n') + 1);
  }
}
