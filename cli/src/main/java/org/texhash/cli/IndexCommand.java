package org.texhash.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.texhash.indexer.encoder.Encoder;
import org.texhash.indexer.encoder.Encoders;
import org.texhash.indexer.image.ImageFiles;
import org.texhash.indexer.image.ImageLoader;
import org.texhash.indexer.index.FileError;
import org.texhash.indexer.index.FolderIndexer;
import org.texhash.indexer.index.IndexInfo;
import org.texhash.indexer.index.IndexPruner;
import org.texhash.indexer.index.IndexReport;
import org.texhash.indexer.io.Folders;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code texhash index DIR --index IDX}: indexes (or brings up to date) the images of a folder
 * tree. A progress bar on stderr when it is a terminal; a summary, or with {@code --json} one
 * object {@code {indexed, unchanged, deleted, skipped, ignored, encoder, errors: [{path,
 * reason}]}}, on stdout. Unreadable images are reported and skipped; the exit code is still 0. A
 * folder without any image file exits with {@link TexhashCommand#EXIT_NO_IMAGES} and, when the
 * index is new, leaves no index behind. {@code --prune} (with or without DIR) first drops the
 * documents whose files no longer exist, in any folder.
 */
@Command(
    name = "index",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Indexes the images under DIR (PNG, JPEG, BMP, GIF, TIFF, WebP) into a Lucene index: one"
            + " document per image with its hash code. A second run re-encodes only new or changed"
            + " files and deletes the documents of removed ones. Unreadable files are listed with"
            + " the reason and skipped. --prune drops the documents of files that no longer exist,"
            + " in any folder (after a folder was moved or deleted); DIR may then be left out.")
public final class IndexCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "DIR",
      description = "The folder to index (sub-folders included); optional with --prune.")
  Path folder;

  @Mixin SharedOptions.IndexDir index;

  @Mixin SharedOptions.EncoderChoice encoder;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description = "Decoding threads (default: the number of cores, ${DEFAULT-VALUE}).")
  int threads = Runtime.getRuntime().availableProcessors();

  @Option(
      names = "--max-pixels",
      paramLabel = "N",
      description = "Skip images with more pixels than this (default: ${DEFAULT-VALUE}).")
  long maxPixels = ImageLoader.DEFAULT_MAX_PIXELS;

  @Option(
      names = "--mih-substrings",
      paramLabel = "M",
      description =
          "Multi-index hashing substrings for a new index (default: chosen from the number of"
              + " images; 0: off).")
  Integer mihSubstrings;

  @Option(
      names = "--commit-every",
      paramLabel = "N",
      description = "Commit after at most N written documents (default: ${DEFAULT-VALUE}).")
  int commitEvery = FolderIndexer.Options.DEFAULT_COMMIT_EVERY;

  @Option(
      names = "--commit-interval",
      paramLabel = "SECONDS",
      description =
          "Commit at least this often while documents are written, so a killed run loses at most"
              + " this much work (default: ${DEFAULT-VALUE}).")
  long commitIntervalSeconds = FolderIndexer.Options.DEFAULT_COMMIT_INTERVAL.toSeconds();

  @Option(
      names = "--decode-memory",
      paramLabel = "MIB",
      description =
          "Heap the decoding threads share, in MiB (default: half the maximum heap, here"
              + " ${DEFAULT-VALUE}).")
  long decodeMemoryMib = FolderIndexer.Options.defaultDecodeMemory() >> 20;

  @Option(
      names = "--prune",
      description = "First drop the documents whose files no longer exist, under any folder.")
  boolean prune;

  @Mixin SharedOptions.JsonFlag json;

  @Override
  public Integer call() throws IOException {
    if (threads < 1) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--threads must be at least 1, got " + threads);
    }
    if (maxPixels < 1) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--max-pixels must be positive, got " + maxPixels);
    }
    if (commitEvery < 1 || commitIntervalSeconds < 1 || decodeMemoryMib < 1) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--commit-every, --commit-interval and --decode-memory must be at least 1");
    }
    if (folder == null && !prune) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "Missing required parameter: 'DIR' (or --prune)");
    }
    Optional<IndexInfo> existing = IndexInfo.read(index.path);
    if (folder == null) {
      List<String> pruned = IndexPruner.prune(index.path);
      print(
          json.on
              ? toJson(new IndexReport(0, 0, 0, 0, List.of()), existing.get().encoderId(), pruned)
              : pruneSummary(pruned));
      return ExitCode.OK;
    }
    if (!Files.isDirectory(folder)) {
      throw new IllegalArgumentException(
          "not a folder: "
              + folder
              + (existing.isPresent()
                  ? "; to drop the documents of files that no longer exist: texhash index --prune"
                      + " --index "
                      + index.path
                  : ""));
    }
    boolean newIndex = !Files.exists(index.path);
    String id = encoder.id != null ? encoder.id : Encoders.DEFAULT_ID;
    FolderIndexer.Options options =
        FolderIndexer.Options.defaults()
            .withThreads(threads)
            .withMaxPixels(maxPixels)
            .withCommitEvery(commitEvery)
            .withCommitInterval(Duration.ofSeconds(commitIntervalSeconds))
            .withDecodeMemory(decodeMemoryMib << 20)
            .withMihSubstrings(mihSubstrings == null ? FolderIndexer.Options.AUTO : mihSubstrings);
    ProgressBar bar =
        System.console() != null && !json.on ? new ProgressBar(spec.commandLine().getErr()) : null;
    IndexReport report;
    String encoderId;
    List<String> pruned = List.of();
    // an existing index's encoder is checked before --prune changes anything
    try (Encoder e =
        existing.isPresent()
            ? existing.get().openEncoder(encoder.id, index.path)
            : Encoders.open(id)) {
      encoderId = e.id();
      if (prune && existing.isPresent()) {
        pruned = IndexPruner.prune(index.path);
      }
      report =
          new FolderIndexer(e, options, bar == null ? p -> {} : bar::update)
              .index(folder, index.path);
    } finally {
      if (bar != null) {
        bar.finish();
      }
    }
    if (report.indexed() + report.unchanged() + report.skipped() == 0) {
      return noImages(report, encoderId, newIndex);
    }
    print(
        json.on
            ? toJson(report, encoderId, pruned)
            : pruneSummary(pruned) + summary(report, encoderId));
    return ExitCode.OK;
  }

  /** Nothing to index is a distinct outcome: said on stderr, and a new index is not left behind. */
  private int noImages(IndexReport report, String encoderId, boolean newIndex) throws IOException {
    if (newIndex) {
      deleteNewIndex();
    }
    if (json.on) {
      print(toJson(report, encoderId, List.of()));
    }
    PrintWriter err = spec.commandLine().getErr();
    err.println(
        "texhash: no images found under "
            + folder
            + " (looked for ."
            + String.join(", .", new TreeSet<>(ImageFiles.READABLE))
            + ")"
            + (newIndex
                ? "; no index was created"
                : report.deleted() > 0
                    ? "; " + report.deleted() + " documents of removed files deleted"
                    : ""));
    err.flush();
    return TexhashCommand.EXIT_NO_IMAGES;
  }

  /** The index folder this run created holds only the empty commit of a run that found nothing. */
  private void deleteNewIndex() throws IOException {
    Folders.deleteTree(index.path);
  }

  private void print(String text) {
    PrintWriter out = spec.commandLine().getOut();
    out.println(text);
    out.flush();
  }

  private String pruneSummary(List<String> pruned) {
    if (!prune) {
      return "";
    }
    StringBuilder s =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%s: %d documents pruned (file no longer exists)",
                index.path,
                pruned.size()));
    for (String p : pruned) {
      s.append(System.lineSeparator()).append("  pruned ").append(p);
    }
    return folder == null ? s.toString() : s.append(System.lineSeparator()).toString();
  }

  static String toJson(IndexReport report, String encoderId, List<String> pruned) {
    JsonObject o = new JsonObject();
    o.addProperty("indexed", report.indexed());
    o.addProperty("unchanged", report.unchanged());
    o.addProperty("deleted", report.deleted());
    o.addProperty("skipped", report.skipped());
    o.addProperty("ignored", report.ignored());
    o.addProperty("encoder", encoderId);
    JsonArray errors = new JsonArray();
    for (FileError e : report.errors()) {
      JsonObject err = new JsonObject();
      err.addProperty("path", e.path());
      err.addProperty("reason", e.reason());
      errors.add(err);
    }
    o.add("errors", errors);
    JsonArray prunedPaths = new JsonArray();
    pruned.forEach(prunedPaths::add);
    o.add("pruned", prunedPaths);
    return Json.GSON.toJson(o);
  }

  private String summary(IndexReport report, String encoderId) {
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            Locale.ROOT,
            "%s: %d indexed, %d unchanged, %d deleted, %d skipped, %d other files ignored (encoder"
                + " %s)",
            index.path,
            report.indexed(),
            report.unchanged(),
            report.deleted(),
            report.skipped(),
            report.ignored(),
            encoderId));
    for (FileError e : report.errors()) {
      s.append(System.lineSeparator())
          .append("  skipped ")
          .append(e.path())
          .append(": ")
          .append(e.reason());
    }
    return s.toString();
  }

  /** A one-line bar redrawn in place on a terminal, at most ten times a second. */
  static final class ProgressBar {
    private static final int WIDTH = 30;
    private final PrintWriter err;
    private long lastDraw;
    private boolean drawn;

    ProgressBar(PrintWriter err) {
      this.err = err;
    }

    void update(FolderIndexer.Progress p) {
      long now = System.nanoTime();
      if (p.done() < p.total() && now - lastDraw < 100_000_000L) {
        return;
      }
      lastDraw = now;
      int filled = p.total() == 0 ? WIDTH : (int) ((long) WIDTH * p.done() / p.total());
      err.print(
          String.format(
              Locale.ROOT,
              "\r[%s%s] %d/%d  indexed %d, unchanged %d, skipped %d ",
              "#".repeat(filled),
              "-".repeat(WIDTH - filled),
              p.done(),
              p.total(),
              p.indexed(),
              p.unchanged(),
              p.skipped()));
      err.flush();
      drawn = true;
    }

    void finish() {
      if (drawn) {
        err.println();
        err.flush();
      }
    }
  }
}
