package org.texhash.cli.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.texhash.cli.CliRun;
import org.texhash.indexer.encoder.Encoder;
import org.texhash.indexer.encoder.Encoders;

/**
 * A folder of synthetic textures, its index, and a server over it on a free loopback port, with
 * small limits so that the refusals are cheap to provoke.
 */
final class TestServer implements AutoCloseable {
  static final long MAX_UPLOAD = 200_000;
  static final long MAX_PIXELS = 1_000_000;

  final Path images;
  final Path index;
  final LiveIndex live;
  final Encoder encoder;
  final SearchServer server;
  final HttpClient http = HttpClient.newHttpClient();

  TestServer(Path tmp, int imageCount) throws IOException {
    images = Files.createDirectories(tmp.resolve("images"));
    for (int i = 0; i < imageCount; i++) {
      writeTexture(images.resolve("t" + i + ".png"), 700 + i);
    }
    index = tmp.resolve("idx");
    reindex();
    live = LiveIndex.open(index);
    encoder = Encoders.open(Encoders.DEFAULT_ID);
    server =
        SearchServer.start(
            new SearchApi(
                live, encoder, new ServeLimits(MAX_UPLOAD, MAX_PIXELS, 50, 2, 1 << 20, 64)),
            "127.0.0.1",
            0);
  }

  static void writeTexture(Path file, long seed) throws IOException {
    CliRun.texture(file, (int) seed);
  }

  /** Runs {@code texhash index} over the folder, as a user would beside the running server. */
  void reindex() {
    CliRun cli = new CliRun();
    assertEquals(0, cli.run("index", images, "--index", index, "--threads", "1"), cli.err());
  }

  String abs(String name) {
    return images.resolve(name).toAbsolutePath().normalize().toString();
  }

  URI uri(String pathAndQuery) {
    return server.uri().resolve(pathAndQuery);
  }

  HttpResponse<String> get(String pathAndQuery) {
    return send(HttpRequest.newBuilder(uri(pathAndQuery)).GET().build());
  }

  HttpResponse<String> post(String pathAndQuery, byte[] body) {
    return send(
        HttpRequest.newBuilder(uri(pathAndQuery))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build());
  }

  HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static JsonObject json(HttpResponse<String> response) {
    return JsonParser.parseString(response.body()).getAsJsonObject();
  }

  /**
   * Sends {@code head} (request line and headers, CRLF-separated, without the blank line) over a
   * plain socket, exactly as written: what a hostile client would send, with no URI clean-up by an
   * HTTP library. Returns the whole response, headers and body.
   */
  String raw(String head) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      OutputStream out = socket.getOutputStream();
      out.write((head + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream response = new ByteArrayOutputStream();
      in.transferTo(response);
      return response.toString(StandardCharsets.ISO_8859_1);
    }
  }

  private static final Pattern STATUS_LINE = Pattern.compile("^HTTP/1\\.[01] (\\d{3}) ");

  /** The status code of a raw response; a response without a status line fails with its text. */
  static int status(String rawResponse) {
    Matcher m = STATUS_LINE.matcher(rawResponse);
    if (!m.find()) {
      throw new AssertionError("not an HTTP response: [" + rawResponse + "]");
    }
    return Integer.parseInt(m.group(1));
  }

  @Override
  public void close() throws IOException {
    try {
      server.close();
    } finally {
      try {
        live.close();
      } finally {
        encoder.close();
      }
    }
  }
}
