package org.texhash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.texhash.indexer.encoder.Encoder;
import org.texhash.indexer.encoder.Encoders;
import org.texhash.indexer.encoder.ImageCodes;
import org.texhash.indexer.image.ImageLoader;
import org.texhash.lucene.BitWeights;
import org.texhash.lucene.HashCode;

class CodeCommandTest {
  @TempDir Path tmp;
  private final CliRun cli = new CliRun();

  @Test
  void printsTheCodeTheIndexStoresAndSearchTakes() throws IOException {
    Path a = CliRun.texture(tmp.resolve("images/a.png"), 1);
    Path b = CliRun.texture(tmp.resolve("images/b.png"), 2);
    Path index = tmp.resolve("idx");
    assertEquals(0, cli.run("index", tmp.resolve("images"), "--index", index), cli.err());

    assertEquals(0, cli.run("code", a, b, "--json"), cli.err());
    JsonObject o = cli.json();
    assertEquals(DefaultEncoder.id(), o.get("encoder").getAsString());
    assertEquals(64, o.get("bits").getAsInt());
    JsonArray codes = o.getAsJsonArray("codes");
    assertEquals(2, codes.size());
    assertEquals(a.toString(), codes.get(0).getAsJsonObject().get("path").getAsString());
    String hexA = codes.get(0).getAsJsonObject().get("code").getAsString();
    assertEquals(16, hexA.length());
    assertEquals(0, o.getAsJsonArray("errors").size());

    // The printed code finds its own image at distance 0.
    assertEquals(
        0, cli.run("search", "--index", index, "--code", hexA, "-k", "1", "--json"), cli.err());
    JsonObject hit = cli.json().getAsJsonArray("hits").get(0).getAsJsonObject();
    assertEquals(CliRun.abs(a), hit.get("path").getAsString());
    assertEquals(0, hit.get("distance").getAsInt());

    assertEquals(0, cli.run("code", a));
    assertEquals(
        "# encoder " + DefaultEncoder.id() + ", 64 bits\n" + hexA + "  " + a + "\n",
        cli.out().replace(System.lineSeparator(), "\n"));
  }

  @Test
  void weightsAreTheQuerysConfidenceInEachBitOneHexByteABit() throws IOException {
    Path a = CliRun.texture(tmp.resolve("images/a.png"), 4);
    assertEquals(0, cli.run("code", a, "--encoder", "lbp-lsh-64", "--weights", "--json"));
    JsonObject row = cli.json().getAsJsonArray("codes").get(0).getAsJsonObject();
    String weights = row.get("weights").getAsString();
    assertEquals(128, weights.length(), "two hex digits for each of 64 bits");
    try (Encoder e = Encoders.open("lbp-lsh-64")) {
      float[] features = ImageCodes.features(e, ImageLoader.load(a));
      assertEquals(BitWeights.fromFeatures(features), BitWeights.fromHex(weights));
      assertEquals(HashCode.fromSigns(features).toHex(), row.get("code").getAsString());
    }
    assertTrue(weights.contains("ff"), "the most confident bit weighs 255: " + weights);
    assertEquals(0, cli.run("code", a, "--encoder", "lbp-lsh-64", "--weights"));
    String line = row.get("code").getAsString() + "  " + weights + "  " + a;
    assertTrue(cli.out().contains(line), cli.out() + " lacks " + line);
  }

  @Test
  void theIndexChoosesTheEncoderAndAnotherOneCanBeNamed() throws IOException {
    Path a = CliRun.texture(tmp.resolve("images/a.png"), 3);
    Path index = tmp.resolve("idx32");
    assertEquals(
        0,
        cli.run("index", tmp.resolve("images"), "--index", index, "--encoder", "lbp-lsh-32"),
        cli.err());
    assertEquals(0, cli.run("code", a, "--index", index, "--json"), cli.err());
    assertEquals("lbp-lsh-32", cli.json().get("encoder").getAsString());
    assertEquals(
        8,
        cli.json()
            .getAsJsonArray("codes")
            .get(0)
            .getAsJsonObject()
            .get("code")
            .getAsString()
            .length());
    assertEquals(0, cli.run("code", a, "--encoder", "lbp-lsh-128", "--json"), cli.err());
    assertEquals(128, cli.json().get("bits").getAsInt());
    assertEquals(
        32,
        cli.json()
            .getAsJsonArray("codes")
            .get(0)
            .getAsJsonObject()
            .get("code")
            .getAsString()
            .length());
  }

  @Test
  void anUnreadableImageIsReportedAndTheOthersArePrinted() throws IOException {
    Path good = CliRun.texture(tmp.resolve("good.png"), 4);
    Path broken = Files.writeString(tmp.resolve("broken.png"), "not a png");
    assertEquals(2, cli.run("code", broken, good, "--json"));
    assertTrue(cli.err().contains("cannot read " + broken), cli.err());
    assertEquals(1, cli.json().getAsJsonArray("codes").size());
    assertEquals(
        broken.toString(),
        cli.json().getAsJsonArray("errors").get(0).getAsJsonObject().get("path").getAsString());

    assertEquals(2, cli.run("code", good, "--encoder", "nope-64"));
    assertTrue(cli.err().contains("unknown encoder"), cli.err());
    assertEquals(2, cli.run("code"));
    assertEquals(2, cli.run("code", good, "--index", tmp.resolve("missing")));
    assertTrue(cli.err().contains("no index at"), cli.err());
  }
}
