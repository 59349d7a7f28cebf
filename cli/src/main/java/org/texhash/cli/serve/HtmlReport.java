package org.texhash.cli.serve;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.texhash.indexer.image.ImageDecodeException;
import org.texhash.indexer.image.ImageLoader;
import org.texhash.indexer.index.IndexFields;
import org.texhash.indexer.index.IndexInfo;
import org.texhash.indexer.search.TextureSearcher.Hit;

/**
 * The search page's result grid as one standalone HTML file ({@code texhash search --html}):
 * thumbnails embedded as data URIs, the page's style sheet inline, no script, nothing fetched.
 */
public final class HtmlReport {
  private static final String CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'";

  /** What was searched for: a label, and an image file to show beside it (or null). */
  public record Query(String label, Path image) {}

  private HtmlReport() {}

  /** Writes the report of {@code hits} for {@code query} to {@code file}. */
  public static void write(Path file, Query query, IndexInfo info, int documents, List<Hit> hits)
      throws IOException {
    String page = html(query, info, documents, hits, Thumbnails.DEFAULT_SIZE);
    try {
      Files.writeString(file, page, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  static String html(Query query, IndexInfo info, int documents, List<Hit> hits, int thumbSize) {
    String folder = commonFolder(hits);
    StringBuilder s = new StringBuilder(8192 + hits.size() * 40_000);
    s.append("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<meta http-equiv=\"Content-Security-Policy\" content=\"")
        .append(CSP)
        .append("\">\n")
        .append("<title>texhash: ")
        .append(escape(query.label()))
        .append("</title>\n<style>\n")
        .append(StaticPages.text("style.css"))
        .append("</style>\n</head>\n<body>\n")
        .append("<header class=\"bar\"><h1>texhash</h1><p class=\"info\">")
        .append(
            escape(
                String.format(
                    Locale.ROOT,
                    "%s \u00b7 %d bits \u00b7 %d images",
                    info.encoderId(),
                    info.bits(),
                    documents)))
        .append("</p></header>\n<main>\n<div class=\"report-query\">");
    if (query.image() != null) {
      s.append(img(query.image(), "the query image", thumbSize));
    }
    s.append("<div><strong>Query</strong><br>")
        .append(escape(query.label()))
        .append("<br><span class=\"status\">")
        .append(hits.size())
        .append(hits.size() == 1 ? " hit" : " hits")
        .append(folder.isEmpty() ? "" : " in " + escape(folder))
        .append("</span></div></div>\n<ol class=\"grid\">\n");
    for (int i = 0; i < hits.size(); i++) {
      Hit hit = hits.get(i);
      String name = hit.path().substring(folder.length());
      int cut = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1;
      s.append("<li class=\"hit\"><a href=\"")
          .append(escape(IndexFields.toPath(hit.path()).toUri().toString()))
          .append("\" title=\"")
          .append(escape(hit.path()))
          .append("\">")
          .append(img(IndexFields.toPath(hit.path()), name, thumbSize))
          .append("<span class=\"meta\"><span class=\"dist\">distance ")
          .append(hit.distance())
          .append("</span><span class=\"rank\">#")
          .append(i + 1)
          .append("</span></span><span class=\"path\"><span class=\"dir\">")
          .append(escape(name.substring(0, cut)))
          .append("</span><span class=\"name\">")
          .append(escape(name.substring(cut)))
          .append("</span></span></a></li>\n");
    }
    return s.append("</ol>\n</main>\n</body>\n</html>\n").toString();
  }

  /** An img element with the thumbnail embedded, or a note saying why there is none. */
  private static String img(Path image, String alt, int thumbSize) {
    try {
      byte[] jpeg = Thumbnails.jpeg(ImageLoader.load(image), thumbSize);
      return "<img src=\"data:image/jpeg;base64,"
          + Base64.getEncoder().encodeToString(jpeg)
          + "\" alt=\""
          + escape(alt)
          + "\">";
    } catch (ImageDecodeException e) {
      return "<span class=\"error\">" + escape("no preview: " + e.getMessage()) + "</span>";
    }
  }

  /** The folder every hit is in, ending with a separator, or "". */
  static String commonFolder(List<Hit> hits) {
    if (hits.isEmpty()) {
      return "";
    }
    String prefix = hits.get(0).path();
    for (Hit h : hits) {
      int n = 0;
      int max = Math.min(prefix.length(), h.path().length());
      while (n < max && prefix.charAt(n) == h.path().charAt(n)) {
        n++;
      }
      prefix = prefix.substring(0, n);
    }
    return prefix.substring(0, Math.max(prefix.lastIndexOf('/'), prefix.lastIndexOf('\\')) + 1);
  }

  static String escape(String s) {
    StringBuilder out = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
