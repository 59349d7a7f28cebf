package org.texhash.cli.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.texhash.cli.ServeCommand;
import picocli.CommandLine;

/** What the server refuses, and that it refuses with a reason, never a 500 or a stack trace. */
class ServeSafetyTest {
  @TempDir Path tmp;
  private TestServer s;
  private Path secret;

  @BeforeEach
  void start() throws IOException {
    s = new TestServer(tmp, 3);
    // Beside the indexed images but not in the index: an image and a text file nobody may read.
    secret = tmp.resolve("secret.txt");
    Files.writeString(secret, "top secret");
    TestServer.writeTexture(s.images.resolve("not-indexed.png"), 77);
  }

  @AfterEach
  void stop() throws IOException {
    s.close();
  }

  private static String q(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /** A refusal: the status, a JSON reason, and nothing of the server's insides. */
  private static void assertRefused(int status, HttpResponse<String> response, String reasonPart) {
    assertEquals(status, response.statusCode(), response.body());
    String reason = TestServer.json(response).get("error").getAsString();
    assertTrue(reason.contains(reasonPart), reason);
    assertNoInsides(response.body());
  }

  private static void assertNoInsides(String body) {
    for (String leak : List.of("Exception", "\tat ", ".java:", "org.eclipse", "org.texhash")) {
      assertFalse(body.contains(leak), "response shows " + leak + ": " + body);
    }
  }

  @Test
  void listensOnLoopbackByDefault() {
    assertEquals("127.0.0.1", s.server.uri().getHost());
    CommandLine cl = new CommandLine(new ServeCommand());
    cl.parseArgs("--index", "idx");
    assertEquals("127.0.0.1", cl.getCommandSpec().findOption("--host").getValue());
    assertEquals(Integer.valueOf(8080), cl.getCommandSpec().findOption("--port").getValue());
  }

  @Test
  void searchByPathReadsOnlyTheIndex() {
    for (String path :
        List.of(
            secret.toString(),
            s.abs("not-indexed.png"),
            "/etc/passwd",
            "../../../../etc/passwd",
            s.images.resolve("../secret.txt").toString(),
            "t1.png",
            "")) {
      HttpResponse<String> response = s.get("/api/search?path=" + q(path));
      assertEquals(404, response.statusCode(), path + ": " + response.body());
      assertFalse(response.body().contains("top secret"));
      assertNoInsides(response.body());
    }
  }

  @Test
  void thumbnailsOnlyOfIndexedFiles() throws IOException {
    for (String path :
        List.of(
            secret.toString(),
            s.abs("not-indexed.png"),
            "/etc/passwd",
            s.images.resolve("../secret.txt").toString(),
            s.images.resolve("./t1.png").toString())) {
      assertRefused(404, s.get(SearchApi.thumbUrl(path)), "not in the index");
    }
    assertEquals(400, TestServer.status(s.raw("GET /api/thumb/%%% HTTP/1.1\r\nHost: 127.0.0.1")));
    assertRefused(404, s.get("/api/thumb/"), "no such thumbnail");
    // Raw requests, not cleaned up by an HTTP client: dot segments, encoded dots and slashes.
    for (String target :
        List.of(
            "/api/thumb/../../../../etc/passwd",
            "/api/thumb/%2e%2e/%2e%2e/etc/passwd",
            "/api/thumb/..%2f..%2fetc%2fpasswd",
            "/../../../etc/passwd",
            "/%2e%2e/%2e%2e/etc/passwd",
            "/api/thumb/" + SearchApi.thumbId(secret.toString()) + "/..",
            "//etc/passwd",
            "/style.css/../../secret.txt")) {
      String response = s.raw("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1");
      int status = TestServer.status(response);
      assertTrue(status == 400 || status == 404, target + " answered " + response);
      assertFalse(response.contains("root:") || response.contains("top secret"), response);
      assertNoInsides(response);
    }
  }

  @Test
  void noDirectoryListings() throws IOException {
    for (String target :
        List.of(
            "/api/", "/api/thumb", "/org/texhash/cli/serve/", "/org/", "/META-INF/", "/samples/")) {
      String response = s.raw("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1");
      assertTrue(
          TestServer.status(response) == 404 || TestServer.status(response) == 400,
          target + ": " + response);
    }
  }

  @Test
  void uploadsOverTheLimitAre413() {
    byte[] big = new byte[(int) TestServer.MAX_UPLOAD + 1];
    assertRefused(413, s.post("/api/search", big), "upload limit of " + TestServer.MAX_UPLOAD);
    // Without a Content-Length the limit holds as the body streams in.
    HttpResponse<String> chunked =
        s.send(
            HttpRequest.newBuilder(s.uri("/api/search"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)))
                .build());
    assertRefused(413, chunked, "upload limit");
    assertEquals(200, s.get("/health").statusCode(), "the server goes on");
  }

  @Test
  void decompressionBombRefusedByThePixelLimit() {
    assertRefused(
        400,
        s.post("/api/search", pngClaiming(40_000, 40_000)),
        "over the limit of " + TestServer.MAX_PIXELS + " pixels");
    assertRefused(400, s.post("/api/search", pngClaiming(1001, 1000)), "over the limit");
  }

  @Test
  void nonImagesAndTruncatedImagesAre400WithTheReason() throws IOException {
    assertRefused(
        400,
        s.post("/api/search", "hello, not an image".getBytes(StandardCharsets.UTF_8)),
        "unsupported format");
    assertRefused(400, s.post("/api/search", new byte[0]), "no image");
    byte[] png = Files.readAllBytes(s.images.resolve("t1.png"));
    assertRefused(400, s.post("/api/search", Arrays.copyOf(png, png.length / 2)), "truncated");
    byte[] jpeg = jpeg();
    assertRefused(
        400, s.post("/api/search", Arrays.copyOf(jpeg, jpeg.length * 2 / 3)), "truncated");
    HttpResponse<String> form =
        s.send(
            HttpRequest.newBuilder(s.uri("/api/search"))
                .header("Content-Type", "multipart/form-data; boundary=x")
                .POST(HttpRequest.BodyPublishers.ofByteArray(png))
                .build());
    assertRefused(400, form, "--data-binary");
  }

  @Test
  void badParametersAre400() {
    String p = "&path=" + q(s.abs("t1.png"));
    assertRefused(400, s.get("/api/search?k=0" + p), "k must be a whole number from 1 to 50");
    assertRefused(400, s.get("/api/search?k=51" + p), "k must be");
    assertRefused(400, s.get("/api/search?k=ten" + p), "got 'ten'");
    assertRefused(400, s.get("/api/search?k=99999999999999999999" + p), "k must be");
    assertRefused(
        400, s.get("/api/search?radius=-1" + p), "radius must be a whole number from 0 to 64");
    assertRefused(400, s.get("/api/search?radius=65" + p), "radius must be");
    assertRefused(400, s.get("/api/search"), "exactly one of path= ");
    assertRefused(400, s.get("/api/search?code=00" + p), "exactly one of");
    assertRefused(400, s.get("/api/search?code=abc"), "16 hex digits");
    assertRefused(400, s.get("/api/search?code=zzzzzzzzzzzzzzzz"), "16 hex digits");
    assertRefused(400, s.post("/api/search?k=0", new byte[] {1}), "");
  }

  @Test
  void oddRequestsNeverAnswer500OrAStackTrace() throws IOException {
    List<String> requests =
        List.of(
            "DELETE /api/search HTTP/1.1\r\nHost: 127.0.0.1",
            "PUT / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0",
            "POST /api/info HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0",
            "GET /api/search?path=%zz HTTP/1.1\r\nHost: 127.0.0.1",
            "GET /api/search?path=%C3%28 HTTP/1.1\r\nHost: 127.0.0.1",
            "GET /api/search?path=%00 HTTP/1.1\r\nHost: 127.0.0.1",
            "GET /api/search?code=%00%00 HTTP/1.1\r\nHost: 127.0.0.1",
            "GET /api/thumb/%00 HTTP/1.1\r\nHost: 127.0.0.1",
            "GET /api/thumb/" + "A".repeat(6000) + " HTTP/1.1\r\nHost: 127.0.0.1",
            "GET /" + "x".repeat(20_000) + " HTTP/1.1\r\nHost: 127.0.0.1",
            "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "y".repeat(20_000),
            "GET nonsense\r\nHost: 127.0.0.1",
            "BREW /coffee HTCPCP/1.0",
            "POST /api/search HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: -5",
            "POST /api/search HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 99999999999999999999",
            "POST /api/search HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\nzz");
    for (String request : requests) {
      String response = s.raw(request);
      assertFalse(response.isEmpty(), "no answer to " + request.lines().findFirst().orElse(""));
      int status = TestServer.status(response);
      boolean versionRefused =
          status == 505
              && !request.contains(" HTTP/1.1"); // Jetty's answer to a missing or odd version
      assertTrue(
          status >= 400 && status < 500 || versionRefused,
          request.lines().findFirst().orElse("") + " answered " + status + ": " + response);
      assertNoInsides(response);
    }
    assertEquals(200, s.get("/health").statusCode());
  }

  @Test
  void securityHeadersOnEveryAnswer() {
    for (String target : List.of("/", "/app.js", "/api/info", "/nope")) {
      HttpResponse<String> response = s.get(target);
      assertEquals(
          "nosniff", response.headers().firstValue("X-Content-Type-Options").orElse(""), target);
      String csp = response.headers().firstValue("Content-Security-Policy").orElse("");
      assertTrue(
          csp.contains("default-src 'none'")
              && csp.contains("script-src 'self'")
              && csp.contains("frame-ancestors 'none'"),
          csp);
      assertFalse(response.headers().firstValue("Server").isPresent(), "no server banner");
    }
    assertEquals("no-store", s.get("/api/info").headers().firstValue("Cache-Control").orElse(""));
  }

  @Test
  void requestsForOtherHostNamesAreRefused() throws IOException {
    // A page on another site that rebinds its name to 127.0.0.1 sends its own name as Host.
    String rebound = s.raw("GET /api/info HTTP/1.1\r\nHost: attacker.example:" + s.server.port());
    assertEquals(403, TestServer.status(rebound), rebound);
    assertTrue(rebound.contains("only requests for localhost"), rebound);
    assertEquals(
        200,
        TestServer.status(s.raw("GET /api/info HTTP/1.1\r\nHost: localhost:" + s.server.port())));
    assertEquals(200, TestServer.status(s.raw("GET /api/info HTTP/1.1\r\nHost: 127.0.0.1")));
  }

  @Test
  void unknownPathsAndMethods() {
    assertRefused(404, s.get("/nope"), "not found");
    assertRefused(
        405, s.send(HttpRequest.newBuilder(s.uri("/api/info")).DELETE().build()), "not allowed");
    assertNotEquals(500, s.get("/api/search?path=").statusCode());
  }

  /** A 1 x 1 PNG whose header (with a correct checksum) claims width x height pixels. */
  static byte[] pngClaiming(int width, int height) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB), "png", out);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    byte[] png = out.toByteArray();
    ByteBuffer b = ByteBuffer.wrap(png);
    b.putInt(16, width); // after the signature (8), the IHDR length (4) and "IHDR" (4)
    b.putInt(20, height);
    CRC32 crc = new CRC32();
    crc.update(png, 12, 4 + 13);
    b.putInt(12 + 4 + 13, (int) crc.getValue());
    return png;
  }

  private byte[] jpeg() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(ImageIO.read(s.images.resolve("t2.png").toFile()), "jpeg", out);
    return out.toByteArray();
  }
}
