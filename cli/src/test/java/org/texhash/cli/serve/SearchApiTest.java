package org.texhash.cli.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.texhash.cli.CliRun;
import org.texhash.cli.DefaultEncoder;

/** The JSON API and the page over a real server on a loopback port. */
class SearchApiTest {
  @TempDir Path tmp;
  private TestServer s;

  @BeforeEach
  void start() throws IOException {
    s = new TestServer(tmp, 6);
  }

  @AfterEach
  void stop() throws IOException {
    s.close();
  }

  private static String q(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  @Test
  void infoAndHealthDescribeTheIndex() {
    HttpResponse<String> health = s.get("/health");
    assertEquals(200, health.statusCode());
    assertEquals("ok", TestServer.json(health).get("status").getAsString());
    assertEquals(6, TestServer.json(health).get("documents").getAsInt());

    JsonObject info = TestServer.json(s.get("/api/info"));
    assertEquals(DefaultEncoder.id(), info.get("encoder").getAsString());
    assertEquals(64, info.get("bits").getAsInt());
    assertEquals(64, info.get("input_size").getAsInt());
    assertEquals(6, info.get("documents").getAsInt());
    assertEquals(TestServer.MAX_UPLOAD, info.get("max_upload_bytes").getAsLong());
    assertFalse(
        info.toString().contains(s.index.toString()),
        "the server's own folders are not shown: " + info);
  }

  @Test
  void searchByPathHasTheFieldsOfSearchJson() {
    HttpResponse<String> api = s.get("/api/search?k=4&path=" + q(s.abs("t2.png")));
    assertEquals(200, api.statusCode(), api.body());
    assertTrue(api.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    JsonObject result = TestServer.json(api);

    CliRun run = new CliRun();
    assertEquals(
        0,
        run.run("search", "--index", s.index, "--path", s.abs("t2.png"), "-k", "4", "--json"),
        run.err());
    JsonObject cli = run.json();

    JsonArray hits = result.getAsJsonArray("hits");
    JsonArray cliHits = cli.getAsJsonArray("hits");
    assertEquals(4, hits.size());
    assertEquals(cliHits.size(), hits.size());
    for (int i = 0; i < hits.size(); i++) {
      JsonObject hit = hits.get(i).getAsJsonObject();
      JsonObject expected = cliHits.get(i).getAsJsonObject();
      for (String field : expected.keySet()) {
        assertEquals(expected.get(field), hit.get(field), field + " of hit " + i);
      }
      assertEquals(
          SearchApi.thumbUrl(hit.get("path").getAsString()), hit.get("thumb").getAsString());
    }
    assertEquals(s.abs("t2.png"), hits.get(0).getAsJsonObject().get("path").getAsString());
    assertEquals(0, hits.get(0).getAsJsonObject().get("distance").getAsInt());
    assertTrue(result.has("took_ms"));
    assertEquals(s.abs("t2.png"), result.getAsJsonObject("query").get("path").getAsString());
  }

  @Test
  void searchByCodeAndWithinARadius() {
    JsonObject byPath = TestServer.json(s.get("/api/search?k=1&path=" + q(s.abs("t4.png"))));
    String path = byPath.getAsJsonArray("hits").get(0).getAsJsonObject().get("path").getAsString();
    assertEquals(s.abs("t4.png"), path);

    JsonObject all = TestServer.json(s.get("/api/search?radius=64&path=" + q(s.abs("t4.png"))));
    assertEquals(6, all.getAsJsonArray("hits").size(), "radius 64 of 64 bits holds every image");
    assertEquals(64, all.get("radius").getAsInt());
    JsonObject capped =
        TestServer.json(s.get("/api/search?radius=64&k=3&path=" + q(s.abs("t4.png"))));
    assertEquals(3, capped.getAsJsonArray("hits").size(), "k caps a radius search");

    String code = "0123456789abcdef";
    JsonObject byCode = TestServer.json(s.get("/api/search?k=6&code=" + code));
    assertEquals(code, byCode.getAsJsonObject("query").get("code").getAsString());
    JsonArray hits = byCode.getAsJsonArray("hits");
    assertEquals(6, hits.size());
    for (int i = 1; i < hits.size(); i++) {
      assertTrue(distance(hits.get(i - 1)) <= distance(hits.get(i)), "nearest first: " + hits);
    }
  }

  private static int distance(JsonElement hit) {
    return hit.getAsJsonObject().get("distance").getAsInt();
  }

  @Test
  void uploadedImageFindsItselfFirst() throws IOException {
    byte[] png = Files.readAllBytes(s.images.resolve("t3.png"));
    HttpResponse<String> response = s.post("/api/search?k=3", png);
    assertEquals(200, response.statusCode(), response.body());
    JsonObject result = TestServer.json(response);
    JsonObject first = result.getAsJsonArray("hits").get(0).getAsJsonObject();
    assertEquals(s.abs("t3.png"), first.get("path").getAsString());
    assertEquals(0, first.get("distance").getAsInt());
    assertEquals(96, result.getAsJsonObject("query").get("width").getAsInt());
    // ranked as 'texhash search --image' ranks: by the distance the image's features weigh
    assertEquals("weighted", result.get("distance").getAsString());
    CliRun run = new CliRun();
    assertEquals(
        0,
        run.run(
            "search",
            "--index",
            s.index,
            "--image",
            s.images.resolve("t3.png"),
            "-k",
            "3",
            "--json"),
        run.err());
    JsonArray cliHits = run.json().getAsJsonArray("hits");
    JsonArray hits = result.getAsJsonArray("hits");
    for (int i = 0; i < cliHits.size(); i++) {
      for (String field : cliHits.get(i).getAsJsonObject().keySet()) {
        assertEquals(
            cliHits.get(i).getAsJsonObject().get(field),
            hits.get(i).getAsJsonObject().get(field),
            field + " of hit " + i);
      }
    }
    JsonObject ball = TestServer.json(s.post("/api/search?radius=64", png));
    assertEquals("hamming", ball.get("distance").getAsString(), "a radius counts bits");

    // The same image sent in chunks (no Content-Length) is read the same way.
    HttpResponse<String> chunked =
        s.send(
            HttpRequest.newBuilder(s.uri("/api/search?k=3"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(png)))
                .build());
    assertEquals(200, chunked.statusCode(), chunked.body());
    assertEquals(result.getAsJsonArray("hits"), TestServer.json(chunked).getAsJsonArray("hits"));
  }

  @Test
  void thumbnailsAreJpegsOfIndexedImagesWithATag() throws IOException {
    String thumb = SearchApi.thumbUrl(s.abs("t1.png"));
    HttpResponse<byte[]> response = bytes(HttpRequest.newBuilder(s.uri(thumb)).build());
    assertEquals(200, response.statusCode());
    assertEquals("image/jpeg", response.headers().firstValue("Content-Type").orElse(""));
    var image = ImageIO.read(new ByteArrayInputStream(response.body()));
    assertEquals(
        64,
        Math.max(image.getWidth(), image.getHeight()),
        "the test server's thumbnails are 64 pixels");
    String etag = response.headers().firstValue("ETag").orElseThrow();

    HttpResponse<byte[]> again =
        bytes(HttpRequest.newBuilder(s.uri(thumb)).header("If-None-Match", etag).build());
    assertEquals(304, again.statusCode());
    HttpResponse<byte[]> cached = bytes(HttpRequest.newBuilder(s.uri(thumb)).build());
    assertArrayEquals(response.body(), cached.body());
  }

  private HttpResponse<byte[]> bytes(HttpRequest request) throws IOException {
    try {
      return s.http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  @Test
  void followsTheIndexWithoutRestart() throws IOException {
    String added = s.abs("added.png");
    assertEquals(404, s.get("/api/search?path=" + q(added)).statusCode());

    TestServer.writeTexture(s.images.resolve("added.png"), 9001);
    s.reindex(); // a separate writer commits while the server is running
    HttpResponse<String> found = s.get("/api/search?k=1&path=" + q(added));
    assertEquals(200, found.statusCode(), found.body());
    assertEquals(
        added,
        TestServer.json(found)
            .getAsJsonArray("hits")
            .get(0)
            .getAsJsonObject()
            .get("path")
            .getAsString());
    assertEquals(7, TestServer.json(s.get("/api/info")).get("documents").getAsInt());
    assertEquals(200, s.get(SearchApi.thumbUrl(added)).statusCode());

    Files.delete(s.images.resolve("t0.png"));
    s.reindex();
    assertEquals(404, s.get("/api/search?path=" + q(s.abs("t0.png"))).statusCode());
    assertEquals(404, s.get(SearchApi.thumbUrl(s.abs("t0.png"))).statusCode());
    JsonObject all = TestServer.json(s.get("/api/search?radius=64&path=" + q(added)));
    assertEquals(6, all.getAsJsonArray("hits").size());
    assertFalse(all.toString().contains("t0.png"), all.toString());
  }

  @Test
  void hitsWhoseFileIsGoneSaySo() throws IOException {
    Files.delete(s.images.resolve("t5.png")); // deleted, not yet re-indexed
    JsonObject result = TestServer.json(s.get("/api/search?k=1&path=" + q(s.abs("t5.png"))));
    JsonObject hit = result.getAsJsonArray("hits").get(0).getAsJsonObject();
    assertEquals(s.abs("t5.png"), hit.get("path").getAsString());
    assertFalse(hit.get("exists").getAsBoolean());
    HttpResponse<String> thumb = s.get(hit.get("thumb").getAsString());
    assertEquals(404, thumb.statusCode());
    assertTrue(
        TestServer.json(thumb).get("error").getAsString().contains("cannot read the indexed file"),
        thumb.body());
  }

  @Test
  void searchesGoOnWhileAnotherWriterIndexes() throws Exception {
    for (int i = 0; i < 10; i++) {
      TestServer.writeTexture(s.images.resolve("new" + i + ".png"), 5000 + i);
    }
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread indexer =
        new Thread(
            () -> {
              try {
                s.reindex();
              } catch (Throwable t) {
                failure.set(t);
              }
            });
    indexer.start();
    int requests = 0;
    String all = "/api/search?radius=64&k=50&path=" + q(s.abs("t1.png"));
    do {
      // Each answer is one commit's view: the 6 old images, or those and the 10 new ones.
      HttpResponse<String> response = s.get(all);
      assertEquals(200, response.statusCode(), response.body());
      int hits = TestServer.json(response).getAsJsonArray("hits").size();
      assertTrue(hits == 6 || hits == 16, hits + " hits");
      requests++;
    } while (indexer.isAlive());
    indexer.join();
    assertEquals(null, failure.get());
    assertEquals(
        16,
        TestServer.json(s.get(all)).getAsJsonArray("hits").size(),
        "after " + requests + " searches during the run");
  }

  @Test
  void pageIsServedWithItsScriptAndStyleSheet() {
    HttpResponse<String> page = s.get("/");
    assertEquals(200, page.statusCode());
    assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
    assertTrue(page.body().contains("<script src=\"/app.js\" defer></script>"), page.body());
    assertEquals(200, s.get("/app.js").statusCode());
    assertTrue(
        s.get("/app.js")
            .headers()
            .firstValue("Content-Type")
            .orElse("")
            .startsWith("text/javascript"));
    assertEquals(200, s.get("/style.css").statusCode());
  }
}
