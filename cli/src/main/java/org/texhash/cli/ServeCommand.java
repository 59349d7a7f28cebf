package org.texhash.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.texhash.cli.serve.LiveIndex;
import org.texhash.cli.serve.SearchApi;
import org.texhash.cli.serve.SearchServer;
import org.texhash.cli.serve.ServeLimits;
import org.texhash.indexer.encoder.Encoder;
import org.texhash.indexer.index.IndexInfo;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code texhash serve --index IDX}: the search page and its JSON API over HTTP, following the
 * index as {@code texhash index} updates it.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Serves a search page for an index: drop an image and see the most similar indexed images;"
          + " click one to search by it. Also a JSON API (GET /api/info, GET"
          + " /api/search?path=|code=&k=&radius=, POST /api/search with an image body, GET"
          + " /api/thumb/ID) and GET /health.",
      "Images added to or removed from the index by a running `texhash index` show up without a"
          + " restart. Only files that are in the index are ever read, and only as thumbnails.",
    })
public final class ServeCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin SharedOptions.IndexDir index;

  @Option(
      names = "--host",
      paramLabel = "HOST",
      defaultValue = "127.0.0.1",
      description =
          "The address to listen on (default: ${DEFAULT-VALUE}, this machine only; 0.0.0.0 opens it"
              + " to the network).")
  String host;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      defaultValue = "8080",
      description = "The port (default: ${DEFAULT-VALUE}; 0: any free port).")
  int port;

  @Mixin SharedOptions.EncoderChoice encoder;

  @Option(
      names = "--max-upload-mb",
      paramLabel = "MB",
      description = "The largest image upload (default: 20).")
  long maxUploadMb = ServeLimits.DEFAULT_MAX_UPLOAD_BYTES >> 20;

  @Option(
      names = "--max-pixels",
      paramLabel = "N",
      description =
          "The most pixels an image may have, checked before decoding (default: ${DEFAULT-VALUE}).")
  long maxPixels = ServeLimits.DEFAULT_MAX_PIXELS;

  @Option(
      names = "--thumb-cache-mb",
      paramLabel = "MB",
      description = "Memory for cached thumbnails (default: 64).")
  long thumbCacheMb = ServeLimits.DEFAULT_THUMB_CACHE_BYTES >> 20;

  @Override
  public Integer call() throws IOException, InterruptedException {
    if (port < 0 || port > 65535) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--port must be from 0 to 65535, got " + port);
    }
    ServeLimits defaults = ServeLimits.defaults();
    ServeLimits limits;
    try {
      limits =
          new ServeLimits(
              maxUploadMb << 20,
              maxPixels,
              defaults.maxK(),
              defaults.decodeSlots(),
              thumbCacheMb << 20,
              defaults.thumbSize());
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    try (LiveIndex live = LiveIndex.open(index.path);
        Encoder enc = openEncoder(live)) {
      SearchServer server = SearchServer.start(new SearchApi(live, enc, limits), host, port);
      Runtime.getRuntime()
          .addShutdownHook(new Thread(() -> closeQuietly(server), "texhash-serve-stop"));
      PrintWriter out = spec.commandLine().getOut();
      IndexInfo info;
      int documents;
      try (LiveIndex.View view = live.acquire()) {
        info = view.info();
        documents = view.reader().numDocs();
      }
      out.printf(
          Locale.ROOT,
          "texhash: serving %s (%d images, %s, %d bits) at %s%n",
          index.path,
          documents,
          info.encoderId(),
          info.bits(),
          server.uri());
      if (!InetAddress.getByName(host).isLoopbackAddress()) {
        out.println(
            "texhash: listening beyond this machine: whoever reaches it can search the index and"
                + " see its thumbnails");
      }
      out.println("texhash: Ctrl-C stops the server");
      out.flush();
      server.join();
    }
    return ExitCode.OK;
  }

  private Encoder openEncoder(LiveIndex live) throws IOException {
    IndexInfo info;
    try (LiveIndex.View view = live.acquire()) {
      info = view.info();
    }
    return info.openEncoder(encoder.id, index.path);
  }

  private static void closeQuietly(SearchServer server) {
    try {
      server.close();
    } catch (IOException e) {
      System.err.println("texhash: " + e.getMessage());
    }
  }
}
