package org.texhash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.texhash.indexer.encoder.Encoder;
import org.texhash.indexer.encoder.Encoders;
import org.texhash.indexer.encoder.ImageCodes;
import org.texhash.indexer.image.ImageLoader;
import org.texhash.indexer.image.SyntheticTextures;
import org.texhash.lucene.BitWeights;
import org.texhash.lucene.HashCode;
import picocli.CommandLine;

class IndexSearchInfoCommandTest {
  @TempDir Path tmp;
  private Path images;
  private Path index;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void folder() throws IOException {
    images = Files.createDirectories(tmp.resolve("images"));
    Files.createDirectories(images.resolve("wood"));
    for (int i = 0; i < 4; i++) {
      Path file = images.resolve((i < 2 ? "wood/" : "") + "t" + i + ".png");
      ImageIO.write(SyntheticTextures.generate(500 + i, 96, 96), "png", file.toFile());
    }
    Files.writeString(images.resolve("broken.png"), "not a png");
    index = tmp.resolve("idx");
  }

  private int run(String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    CommandLine cl = TexhashCommand.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    return cl.execute(args);
  }

  private JsonObject json() {
    return JsonParser.parseString(out.toString()).getAsJsonObject();
  }

  private String abs(String relative) {
    return images.resolve(relative).toAbsolutePath().normalize().toString();
  }

  @Test
  void indexSearchAndInfoEndToEnd() {
    assertEquals(
        0,
        run("index", images.toString(), "--index", index.toString(), "--threads", "2", "--json"),
        err.toString());
    JsonObject report = json();
    assertEquals(4, report.get("indexed").getAsInt());
    assertEquals(0, report.get("unchanged").getAsInt());
    assertEquals(0, report.get("deleted").getAsInt());
    assertEquals(1, report.get("skipped").getAsInt());
    assertEquals(DefaultEncoder.id(), report.get("encoder").getAsString());
    JsonObject error = report.getAsJsonArray("errors").get(0).getAsJsonObject();
    assertEquals(abs("broken.png"), error.get("path").getAsString());
    assertTrue(error.get("reason").getAsString().contains("unsupported format"), error.toString());

    // Second run without --encoder: the index's own encoder, nothing to do.
    assertEquals(0, run("index", images.toString(), "--index", index.toString()));
    assertTrue(
        out.toString().contains("0 indexed, 4 unchanged, 0 deleted, 1 skipped"), out.toString());
    assertTrue(
        out.toString().contains("skipped " + abs("broken.png") + ": unsupported format"),
        out.toString());

    assertEquals(
        0,
        run("search", "--index", index.toString(), "--image", abs("t3.png"), "-k", "2", "--json"),
        err.toString());
    JsonObject result = json();
    JsonArray hits = result.getAsJsonArray("hits");
    assertEquals(2, hits.size());
    JsonObject first = hits.get(0).getAsJsonObject();
    assertEquals(abs("t3.png"), first.get("path").getAsString());
    assertEquals(0, first.get("distance").getAsInt());
    assertEquals(1.0, first.get("score").getAsDouble(), 1e-9);
    assertTrue(result.get("took_ms").getAsDouble() >= 0);

    assertEquals(
        0,
        run(
            "search",
            "--index",
            index.toString(),
            "--path",
            abs("wood/t0.png"),
            "--prefix",
            abs("wood") + "/",
            "--json"));
    JsonArray wood = json().getAsJsonArray("hits");
    assertEquals(2, wood.size());
    assertEquals(abs("wood/t0.png"), wood.get(0).getAsJsonObject().get("path").getAsString());
    assertTrue(
        wood.get(1).getAsJsonObject().get("path").getAsString().startsWith(abs("wood") + "/"));

    assertEquals(
        0,
        run(
            "search",
            "--index",
            index.toString(),
            "--path",
            abs("t2.png"),
            "--radius",
            "64",
            "--json"));
    assertEquals(4, json().getAsJsonArray("hits").size(), "radius 64 of 64 bits holds every image");
    assertEquals(
        0,
        run(
            "search",
            "--index",
            index.toString(),
            "--path",
            abs("t2.png"),
            "--radius",
            "0",
            "--json"));
    assertEquals(
        abs("t2.png"),
        json().getAsJsonArray("hits").get(0).getAsJsonObject().get("path").getAsString());

    assertEquals(0, run("search", "--index", index.toString(), "--code", "0123456789abcdef"));
    assertTrue(out.toString().startsWith("rank  distance"), out.toString());
    assertTrue(out.toString().contains("4 hits in"), out.toString());

    assertEquals(0, run("info", "--index", index.toString(), "--json"));
    JsonObject info = json();
    assertEquals(DefaultEncoder.id(), info.get("encoder").getAsString());
    assertEquals(64, info.get("bits").getAsInt());
    assertEquals(64, info.get("input_size").getAsInt());
    assertEquals(4, info.get("documents").getAsInt());
    assertTrue(info.get("segments").getAsInt() >= 1);
    assertTrue(info.get("size_bytes").getAsLong() > 0);
    assertEquals(0, run("info", "--index", index.toString()));
    assertTrue(out.toString().contains("documents:      4"), out.toString());
  }

  @Test
  void aWeightedSearchRanksByTheQuerysConfidenceInEachBit() throws IOException {
    assertEquals(
        0, run("index", images.toString(), "--index", index.toString(), "--encoder", "lbp-lsh-64"));
    assertEquals(
        0,
        run(
            "search",
            "--index",
            index.toString(),
            "--image",
            abs("t3.png"),
            "--distance",
            "weighted",
            "--json"),
        err.toString());
    JsonObject result = json();
    assertEquals("weighted", result.get("distance").getAsString());
    JsonArray hits = result.getAsJsonArray("hits");
    assertEquals(4, hits.size());
    assertEquals(abs("t3.png"), hits.get(0).getAsJsonObject().get("path").getAsString());
    try (Encoder encoder = Encoders.open("lbp-lsh-64")) {
      float[] features = ImageCodes.features(encoder, ImageLoader.load(images.resolve("t3.png")));
      BitWeights weights = BitWeights.fromFeatures(features);
      HashCode query = HashCode.fromSigns(features);
      int previous = 0;
      for (int i = 0; i < hits.size(); i++) {
        JsonObject hit = hits.get(i).getAsJsonObject();
        HashCode code =
            ImageCodes.code(encoder, ImageLoader.load(Path.of(hit.get("path").getAsString())));
        int d = hit.get("distance").getAsInt();
        assertEquals(weights.distance(query, code), d, hit.toString());
        assertTrue(d >= previous, "nearest first: " + hits);
        previous = d;
      }
    }
    assertEquals(
        0,
        run(
            "search",
            "--index",
            index.toString(),
            "--path",
            abs("t2.png"),
            "--distance",
            "weighted"));
    assertTrue(out.toString().contains("distances are weighted"), out.toString());

    // the default: weighted for an image, whose features are at hand; hamming for an indexed path
    assertEquals(0, run("search", "--index", index.toString(), "--image", abs("t3.png"), "--json"));
    assertEquals("weighted", json().get("distance").getAsString());
    assertEquals(0, run("search", "--index", index.toString(), "--path", abs("t3.png"), "--json"));
    assertEquals("hamming", json().get("distance").getAsString());
    assertEquals(
        0,
        run(
            "search",
            "--index",
            index.toString(),
            "--image",
            abs("t3.png"),
            "--radius",
            "64",
            "--json"));
    assertEquals("hamming", json().get("distance").getAsString());

    // a code has no features to weigh by, and a radius is a number of bits
    assertEquals(
        2,
        run(
            "search",
            "--index",
            index.toString(),
            "--code",
            "0123456789abcdef",
            "--distance",
            "weighted"));
    assertTrue(err.toString().contains("--image"), err.toString());
    assertEquals(
        2,
        run(
            "search",
            "--index",
            index.toString(),
            "--image",
            abs("t3.png"),
            "--radius",
            "3",
            "--distance",
            "weighted"));
    Files.delete(images.resolve("t2.png"));
    assertEquals(
        2,
        run(
            "search",
            "--index",
            index.toString(),
            "--path",
            abs("t2.png"),
            "--distance",
            "weighted"));
    assertTrue(err.toString().contains("no longer exists"), err.toString());
  }

  @Test
  void badUsageExitsWithTwoAndSaysWhy() {
    assertEquals(0, run("index", images.toString(), "--index", index.toString(), "--json"));
    assertEquals(
        2, run("index", images.toString(), "--index", index.toString(), "--encoder", "lbp-lsh-32"));
    assertTrue(
        err.toString().contains(Encoders.DEFAULT_ID) && err.toString().contains("--encoder"),
        err.toString());
    assertEquals(
        2,
        run(
            "search",
            "--index",
            index.toString(),
            "--image",
            abs("t0.png"),
            "--encoder",
            "lbp-lsh-128"));
    assertEquals(
        2,
        run(
            "index",
            images.toString(),
            "--index",
            tmp.resolve("other").toString(),
            "--encoder",
            "nope-64"));
    assertTrue(err.toString().contains("unknown encoder"), err.toString());
    assertEquals(2, run("search", "--index", index.toString()));
    assertEquals(2, run("search", "--index", index.toString(), "--path", "a", "--code", "00"));
    assertEquals(
        2,
        run("search", "--index", tmp.resolve("missing").toString(), "--code", "0123456789abcdef"));
    assertTrue(err.toString().contains("no index"), err.toString());
    assertEquals(2, run("search", "--index", index.toString(), "--code", "0123"));
    assertEquals(2, run("search", "--index", index.toString(), "--image", abs("broken.png")));
    assertTrue(err.toString().contains("cannot read the query image"), err.toString());
    assertEquals(
        2, run("search", "--index", index.toString(), "--code", "0123456789abcdef", "-k", "0"));
    assertEquals(
        2, run("index", tmp.resolve("no-such-folder").toString(), "--index", index.toString()));
    assertEquals(2, run("index", images.toString(), "--index", index.toString(), "--threads", "0"));
  }
}
