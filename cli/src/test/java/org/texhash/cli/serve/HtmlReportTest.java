package org.texhash.cli.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.texhash.cli.CliRun;
import org.texhash.cli.DefaultEncoder;
import org.texhash.indexer.search.TextureSearcher.Hit;

/** {@code texhash search --html}: one self-contained page with the result grid. */
class HtmlReportTest {
  @TempDir Path tmp;

  private final CliRun cli = new CliRun();

  @Test
  void searchWritesAStandalonePageWithEmbeddedThumbnails() throws IOException {
    Path images = Files.createDirectories(tmp.resolve("images"));
    for (int i = 0; i < 4; i++) {
      TestServer.writeTexture(images.resolve("t" + i + ".png"), 40 + i);
    }
    TestServer.writeTexture(images.resolve("a&b <odd>.png"), 99);
    Path index = tmp.resolve("idx");
    assertEquals(0, cli.run("index", images, "--index", index), cli.err());
    Path page = tmp.resolve("hits.html");
    assertEquals(
        0,
        cli.run(
            "search",
            "--index",
            index,
            "--image",
            images.resolve("t1.png"),
            "-k",
            "5",
            "--html",
            page),
        cli.err());

    String html = Files.readString(page);
    Matcher thumbs =
        Pattern.compile("<li class=\"hit\">.*?<img src=\"data:image/jpeg;base64,[A-Za-z0-9+/=]+\"")
            .matcher(html);
    int count = 0;
    while (thumbs.find()) {
      count++;
    }
    assertEquals(5, count, "five hits, each with its thumbnail embedded");
    assertTrue(
        html.contains("Content-Security-Policy\" content=\"default-src 'none'; img-src data:"),
        "nothing is fetched");
    assertFalse(html.contains("<script"), "no script");
    assertFalse(
        Pattern.compile("(src|href)=\"(https?:|/)").matcher(html).find(), "no outside references");
    assertTrue(html.contains("a&amp;b &lt;odd&gt;.png"), "paths are escaped");
    assertFalse(html.contains("<odd>"));
    assertTrue(html.contains("distance 0"), "the query image itself is the first hit");
    assertTrue(html.contains(DefaultEncoder.id() + " \u00b7 64 bits \u00b7 5 images"));
    assertTrue(
        html.contains("class=\"report-query\"><img src=\"data:image/jpeg;base64,"),
        "the query image is shown");
  }

  @Test
  void unwritableFileIsAClearError() throws IOException {
    Path images = Files.createDirectories(tmp.resolve("images"));
    TestServer.writeTexture(images.resolve("t.png"), 1);
    Path index = tmp.resolve("idx");
    assertEquals(0, cli.run("index", images, "--index", index), cli.err());
    Path nowhere = tmp.resolve("no/such/folder/hits.html");
    assertEquals(
        1, cli.run("search", "--index", index, "--code", "0123456789abcdef", "--html", nowhere));
    assertTrue(cli.err().contains("cannot write " + nowhere), cli.err());
  }

  @Test
  void commonFolderAndEscaping() {
    assertEquals(
        "/a/b/",
        HtmlReport.commonFolder(
            List.of(new Hit("/a/b/c.png", 0, 1f), new Hit("/a/b/cd.png", 1, .5f))));
    assertEquals(
        "/a/",
        HtmlReport.commonFolder(
            List.of(new Hit("/a/b/c.png", 0, 1f), new Hit("/a/bb/c.png", 1, .5f))));
    assertEquals("", HtmlReport.commonFolder(List.of()));
    assertEquals("&lt;a href=&quot;x&quot;&gt;&amp;&#39;", HtmlReport.escape("<a href=\"x\">&'"));
  }
}
