package org.texhash.cli;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.texhash.indexer.index.IndexInfo;
import org.texhash.indexer.search.TextureSearcher;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Mixin;

/** {@code texhash info --index IDX}: what an index was built with and how big it is. */
@Command(
    name = "info",
    mixinStandardHelpOptions = true,
    description =
        "Shows an index's encoder, code length, patch size, documents, segments and size on disk.")
public final class InfoCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin SharedOptions.IndexDir index;

  @Mixin SharedOptions.JsonFlag json;

  @Override
  public Integer call() throws IOException {
    int documents;
    int segments;
    IndexInfo info;
    try (TextureSearcher s = TextureSearcher.open(index.path)) {
      info = s.info();
      documents = s.numDocs();
      segments = s.searcher().getIndexReader().leaves().size();
    }
    long bytes = sizeOnDisk(index.path);
    PrintWriter out = spec.commandLine().getOut();
    if (json.on) {
      JsonObject o = new JsonObject();
      o.addProperty("index", index.path.toAbsolutePath().normalize().toString());
      o.addProperty("encoder", info.encoderId());
      o.addProperty("encoder_source", info.encoderSource());
      o.addProperty("bits", info.bits());
      o.addProperty("input_size", info.inputSize());
      o.addProperty("mih_substrings", info.mihSubstrings());
      o.addProperty("documents", documents);
      o.addProperty("segments", segments);
      o.addProperty("size_bytes", bytes);
      Json.print(out, o);
    } else {
      out.printf(Locale.ROOT, "index:          %s%n", index.path.toAbsolutePath().normalize());
      out.printf(
          Locale.ROOT, "encoder:        %s (from %s)%n", info.encoderId(), info.encoderSource());
      out.printf(Locale.ROOT, "bits:           %d%n", info.bits());
      out.printf(Locale.ROOT, "input size:     %d x %d%n", info.inputSize(), info.inputSize());
      out.printf(Locale.ROOT, "mih substrings: %d%n", info.mihSubstrings());
      out.printf(Locale.ROOT, "documents:      %d%n", documents);
      out.printf(Locale.ROOT, "segments:       %d%n", segments);
      out.printf(Locale.ROOT, "size:           %d bytes (%.1f MiB)%n", bytes, bytes / 1048576.0);
    }
    out.flush();
    return ExitCode.OK;
  }

  private static long sizeOnDisk(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      long total = 0;
      for (Path f : (Iterable<Path>) files::iterator) {
        if (Files.isRegularFile(f)) {
          total += Files.size(f);
        }
      }
      return total;
    }
  }
}
