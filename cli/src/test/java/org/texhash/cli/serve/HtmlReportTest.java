package org.texhash.cli.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.texhash.cli.TexhashCommand;
import org.texhash.indexer.TextureSearcher.Hit;
import picocli.CommandLine;

/** {@code texhash search --html}: one self-contained page with the result grid. */
class HtmlReportTest {
  @TempDir Path tmp;

  private int run(StringWriter err, String... args) {
    CommandLine cl = TexhashCommand.commandLine();
    cl.setOut(new PrintWriter(new StringWriter()));
    cl.setErr(new PrintWriter(err));
    return cl.execute(args);
  }

  @Test
  void searchWritesAStandalonePageWithEmbeddedThumbnails() throws IOException {
    Path images = Files.createDirectories(tmp.resolve("images"));
    for (int i = 0; i < 4; i++) {
      TestServer.writeTexture(images.resolve("t" + i + ".png"), 40 + i);
    }
    TestServer.writeTexture(images.resolve("a&b <odd>.png"), 99);
    Path index = tmp.resolve("idx");
    StringWriter err = new StringWriter();
    assertEquals(0, run(err, "index", images.toString(), "--index", index.toString()), err.toString());
    Path page = tmp.resolve("hits.html");
    assertEquals(0, run(err, "search", "--index", index.toString(), "--image", images.resolve("t1.png").toString(), "-k", "5",
        "--html", page.toString()), err.toString());

    String html = Files.readString(page);
    Matcher thumbs = Pattern.compile("<li class=\"hit\">.*?<img src=\"data:image/jpeg;base64,[A-Za-z0-9+/=]+\"").matcher(html);
    int count = 0;
    while (thumbs.find()) {
      count++;
    }
    assertEquals(5, count, "five hits, each with its thumbnail embedded");
    assertTrue(html.contains("Content-Security-Policy\" content=\"default-src 'none'; img-src data:"), "nothing is fetched");
    assertFalse(html.contains("<script"), "no script");
    assertFalse(Pattern.compile("(src|href)=\"(https?:|/)").matcher(html).find(), "no outside references");
    assertTrue(html.contains("a&amp;b &lt;odd&gt;.png"), "paths are escaped");
    assertFalse(html.contains("<odd>"));
    assertTrue(html.contains("distance 0"), "the query image itself is the first hit");
    assertTrue(html.contains("lbp-lsh-64 \u00b7 64 bits \u00b7 5 images"));
    assertTrue(html.contains("class=\"report-query\"><img src=\"data:image/jpeg;base64,"), "the query image is shown");
  }

  @Test
  void unwritableFileIsAClearError() throws IOException {
    Path images = Files.createDirectories(tmp.resolve("images"));
    TestServer.writeTexture(images.resolve("t.png"), 1);
    Path index = tmp.resolve("idx");
    StringWriter err = new StringWriter();
    assertEquals(0, run(err, "index", images.toString(), "--index", index.toString()));
    Path nowhere = tmp.resolve("no/such/folder/hits.html");
    assertEquals(1, run(err, "search", "--index", index.toString(), "--code", "0123456789abcdef", "--html", nowhere.toString()));
    assertTrue(err.toString().contains("cannot write " + nowhere), err.toString());
  }

  @Test
  void commonFolderAndEscaping() {
    assertEquals("/a/b/", HtmlReport.commonFolder(List.of(new Hit("/a/b/c.png", 0, 1f), new Hit("/a/b/cd.png", 1, .5f))));
    assertEquals("/a/", HtmlReport.commonFolder(List.of(new Hit("/a/b/c.png", 0, 1f), new Hit("/a/bb/c.png", 1, .5f))));
    assertEquals("", HtmlReport.commonFolder(List.of()));
    assertEquals("&lt;a href=&quot;x&quot;&gt;&amp;&#39;", HtmlReport.escape("<a href=\"x\">&'"));
  }
}
