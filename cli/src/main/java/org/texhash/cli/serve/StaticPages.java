package org.texhash.cli.serve;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * The search page's files, read once from the jar. A fixed table of names, so nothing else is ever
 * served as a file and there is no directory to list. The page needs no build step.
 */
final class StaticPages {
  /** A file of the page. */
  record Page(byte[] bytes, String contentType) {}

  private static final String FOLDER = "/org/texhash/cli/serve/";
  private final Map<String, Page> pages;

  StaticPages() {
    pages =
        Map.of(
            "/", load("index.html", "text/html; charset=utf-8"),
            "/app.js", load("app.js", "text/javascript; charset=utf-8"),
            "/style.css", load("style.css", "text/css; charset=utf-8"));
  }

  Optional<Page> get(String urlPath) {
    return Optional.ofNullable(pages.get(urlPath));
  }

  /** A page file's text, for the standalone HTML report (which inlines the style sheet). */
  static String text(String name) {
    return new String(bytes(name), StandardCharsets.UTF_8);
  }

  private static Page load(String name, String contentType) {
    return new Page(bytes(name), contentType);
  }

  private static byte[] bytes(String name) {
    try (InputStream in = StaticPages.class.getResourceAsStream(FOLDER + name)) {
      if (in == null) {
        throw new IllegalStateException("the search page's " + name + " is missing from the jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
