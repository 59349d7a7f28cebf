package org.texhash.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import org.texhash.cli.serve.HtmlReport;
import org.texhash.indexer.image.ImageDecodeException;
import org.texhash.indexer.index.IndexFields;
import org.texhash.indexer.search.QueryDistance;
import org.texhash.indexer.search.TextureSearcher;
import org.texhash.indexer.search.TextureSearcher.Hit;
import org.texhash.lucene.BitWeights;
import org.texhash.lucene.HashCode;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code texhash search --index IDX (--image FILE | --path P | --code HEX)}: the nearest indexed
 * images by Hamming distance, or weighted by the query's confidence in each bit. A table, or with
 * {@code --json} {@code {hits: [{path, distance, score, exists}], took_ms, distance:
 * hamming|weighted, query_in_index: [paths]}} ({@code took_ms}: hashing the query and searching,
 * not opening the index). The table says when the query image is itself indexed (under its own path
 * or as a copy), which {@code --exclude-self} leaves out, and which hits are files that no longer
 * exist.
 */
@Command(
    name = "search",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Finds the indexed images whose codes are nearest to a query image, an indexed path or a"
            + " hex code: the k nearest (default; for an image, by the distance weighted by its"
            + " confidence in each bit, see --distance), or with --radius every image within that"
            + " Hamming distance (at most -k when -k is given too). Exact: the same answer as"
            + " comparing against every code.")
public final class SearchCommand implements Callable<Integer> {
  static final int DEFAULT_K = 10;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin SharedOptions.IndexDir index;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Query query;

  static final class Query {
    @Option(
        names = "--image",
        paramLabel = "FILE",
        description = "Search by an image file (hashed with the index's encoder).")
    Path image;

    @Option(
        names = "--path",
        paramLabel = "P",
        description = "Search by the code of an indexed image.")
    String path;

    @Option(
        names = "--code",
        paramLabel = "HEX",
        description = "Search by a code in hex (K/4 digits).")
    String code;
  }

  @Option(
      names = "-k",
      paramLabel = "N",
      description = "How many hits (default: " + DEFAULT_K + "; with --radius: all).")
  Integer k;

  @Option(
      names = "--radius",
      paramLabel = "R",
      description = "Every image within Hamming distance R.")
  Integer radius;

  @Option(
      names = "--distance",
      paramLabel = "hamming|weighted",
      description = {
        "What the k nearest are nearest by. hamming: the number of differing bits. weighted: each"
            + " differing bit weighted by the query image's confidence in it (|feature|), which"
            + " ranks better with the same index; needs the image (--image, or --path of a file"
            + " that still exists). Default: weighted for --image -k, hamming for --path, --code"
            + " and --radius."
      })
  QueryDistance distanceOption;

  /** The distance this search ranks by: the option, or weighted when the image is at hand. */
  QueryDistance distance() {
    if (distanceOption != null) {
      return distanceOption;
    }
    return query.image != null && radius == null ? QueryDistance.WEIGHTED : QueryDistance.HAMMING;
  }

  @Option(
      names = "--prefix",
      paramLabel = "P",
      description =
          "Only images whose path starts with P (a relative P is taken from the current folder).")
  String prefix;

  @Mixin SharedOptions.EncoderChoice encoder;

  @Option(
      names = "--exclude-self",
      description =
          "Leave out the query image itself: the document of its path and of any file with the same"
              + " content.")
  boolean excludeSelf;

  @Mixin SharedOptions.JsonFlag json;

  @Option(
      names = "--html",
      paramLabel = "FILE",
      description =
          "Also write the hits as a grid of thumbnails to FILE: one standalone HTML page, images"
              + " embedded.")
  Path html;

  @Override
  public Integer call() throws IOException {
    if (k != null && k < 1) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "-k must be at least 1, got " + k);
    }
    if (radius != null && radius < 0) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--radius must be at least 0, got " + radius);
    }
    QueryDistance distance = distance();
    if (distance == QueryDistance.WEIGHTED && radius != null) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--radius finds every image within R differing bits, which no weighting changes; use -k"
              + " with --distance weighted");
    }
    if (distance == QueryDistance.WEIGHTED && query.code != null) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--distance weighted weighs the bits by the query image's features, which a hex code"
              + " does not have; search by --image");
    }
    List<Hit> hits;
    List<String> self;
    long start;
    long end;
    try (TextureSearcher searcher = TextureSearcher.open(index.path, encoder.id)) {
      if (query.image != null) {
        searcher.encoder(); // opened before the clock starts, as for every other search
      }
      start = System.nanoTime();
      float[] features = distance == QueryDistance.WEIGHTED ? features(searcher) : null;
      HashCode code = features != null ? HashCode.fromSigns(features) : code(searcher);
      self = selfDocuments(searcher, code);
      Set<String> excluded = excludeSelf ? Set.copyOf(self) : Set.of();
      String filter = absolutePrefix(prefix);
      BitWeights weights = features != null ? BitWeights.fromFeatures(features) : null;
      hits =
          radius == null
              ? searcher.nearest(code, weights, k == null ? DEFAULT_K : k, filter, excluded)
              : searcher.withinRadius(
                  code, radius, filter, k == null ? Integer.MAX_VALUE : k, excluded);
      end = System.nanoTime();
      if (html != null) {
        HtmlReport.write(html, htmlQuery(), searcher.info(), searcher.numDocs(), hits);
      }
    }
    double tookMs = (end - start) / 1e6;
    PrintWriter out = spec.commandLine().getOut();
    out.print(
        json.on
            ? toJson(hits, self, tookMs, distance) + System.lineSeparator()
            : table(hits, tookMs) + notes(hits, self));
    if (distance == QueryDistance.WEIGHTED && !json.on) {
      out.println(
          "distances are weighted: each differing bit counts 0-"
              + BitWeights.MAX_WEIGHT
              + ", by the query's confidence in it");
    }
    out.flush();
    return ExitCode.OK;
  }

  private HashCode code(TextureSearcher searcher) throws IOException {
    if (query.image != null) {
      try {
        return searcher.codeOfImage(query.image);
      } catch (ImageDecodeException e) {
        throw new IllegalArgumentException(
            "cannot read the query image " + query.image + ": " + e.getMessage(), e);
      }
    }
    return query.path != null ? searcher.codeOfPath(query.path) : searcher.parseCode(query.code);
  }

  /**
   * The query image's features for a weighted search: of --image, or of the file of an indexed
   * --path, read again (the index keeps only its code).
   */
  private float[] features(TextureSearcher searcher) throws IOException {
    Path file = query.image != null ? query.image : IndexFields.toPath(query.path);
    if (query.path != null) {
      searcher.codeOfPath(query.path); // not indexed: the same message as a Hamming search
      if (!java.nio.file.Files.isRegularFile(file)) {
        throw new IllegalArgumentException(
            "--distance weighted needs the query image's features, and "
                + file
                + " no longer exists; search by --image, or without --distance weighted");
      }
    }
    try {
      return searcher.featuresOfImage(file);
    } catch (ImageDecodeException e) {
      throw new IllegalArgumentException(
          "cannot read the query image " + file + ": " + e.getMessage(), e);
    }
  }

  /** The indexed documents that are the query image itself; none for a --code query. */
  private List<String> selfDocuments(TextureSearcher searcher, HashCode code) throws IOException {
    if (query.image != null) {
      return searcher.documentsOfImage(query.image, code);
    }
    return query.path != null ? searcher.documentsOfPath(query.path) : List.of();
  }

  /** What a reader of the table should know: the query is indexed, or a hit's file is gone. */
  private String notes(List<Hit> hits, List<String> self) {
    StringBuilder s = new StringBuilder();
    if (!self.isEmpty()) {
      s.append(
              excludeSelf
                  ? "left out the query itself, indexed as "
                  : "the query is itself in the index, as ")
          .append(String.join(", ", self))
          .append(excludeSelf ? "" : " (--exclude-self leaves it out)")
          .append(System.lineSeparator());
    }
    long gone = hits.stream().filter(h -> !SearchJson.exists(h)).count();
    if (gone > 0) {
      s.append(gone)
          .append(
              gone == 1
                  ? " hit is a file that no longer exists"
                  : " hits are files that no longer exist")
          .append(" (texhash index --prune --index ")
          .append(index.path)
          .append(" drops them)")
          .append(System.lineSeparator());
    }
    return s.toString();
  }

  private HtmlReport.Query htmlQuery() {
    if (query.image != null) {
      return new HtmlReport.Query(query.image.toString(), query.image);
    }
    return query.path != null
        ? new HtmlReport.Query(query.path, IndexFields.toPath(query.path))
        : new HtmlReport.Query("code " + query.code, null);
  }

  /** Stored paths are absolute: a relative prefix is resolved, keeping a trailing separator. */
  static String absolutePrefix(String prefix) {
    if (prefix == null || prefix.isEmpty() || Path.of(prefix).isAbsolute()) {
      return prefix;
    }
    String abs = Path.of(prefix).toAbsolutePath().normalize().toString();
    return prefix.endsWith(File.separator) || prefix.endsWith("/") ? abs + File.separator : abs;
  }

  static String toJson(List<Hit> hits, List<String> self, double tookMs, QueryDistance distance) {
    JsonObject o = SearchJson.result(hits, tookMs);
    o.addProperty("distance", distance.id());
    JsonArray selfPaths = new JsonArray();
    self.forEach(selfPaths::add);
    o.add("query_in_index", selfPaths);
    return Json.GSON.toJson(o);
  }

  static String table(List<Hit> hits, double tookMs) {
    StringBuilder s =
        new StringBuilder(
            String.format(Locale.ROOT, "%4s  %8s  %6s  %s%n", "rank", "distance", "score", "path"));
    for (int i = 0; i < hits.size(); i++) {
      Hit h = hits.get(i);
      s.append(
          String.format(
              Locale.ROOT,
              "%4d  %8d  %6.4f  %s%s%n",
              i + 1,
              h.distance(),
              h.score(),
              h.path(),
              SearchJson.exists(h) ? "" : "  (file no longer exists)"));
    }
    s.append(String.format(Locale.ROOT, "%d hits in %.2f ms%n", hits.size(), tookMs));
    return s.toString();
  }
}
