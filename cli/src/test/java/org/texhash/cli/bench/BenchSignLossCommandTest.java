package org.texhash.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.texhash.cli.TexhashCommand;
import org.texhash.indexer.image.SyntheticTextures;
import picocli.CommandLine;

class BenchSignLossCommandTest {
  @TempDir Path tmp;

  /** Runs the command with its progress lines (System.err) kept out of the build log. */
  private static int run(StringWriter out, String... args) {
    PrintStream err = System.err;
    System.setErr(new PrintStream(OutputStream.nullOutputStream()));
    try {
      CommandLine cl = TexhashCommand.commandLine();
      cl.setOut(new PrintWriter(out, true));
      cl.setErr(new PrintWriter(new StringWriter(), true));
      return cl.execute(args);
    } finally {
      System.setErr(err);
    }
  }

  @Test
  void itsHammingMapIsEvalsAndBadManifestsAreUsageErrors() throws IOException {
    Path ds = Files.createDirectories(tmp.resolve("textures"));
    for (int c = 0; c < 4; c++) {
      ImageIO.write(
          SyntheticTextures.generate(300 + c, 160, 160),
          "png",
          ds.resolve("t" + c + ".png").toFile());
    }
    Path manifest = tmp.resolve("m.tsv");
    StringWriter eval = new StringWriter();
    assertEquals(
        0,
        run(
            eval,
            "eval",
            "--dataset",
            ds.toString(),
            "--protocol",
            "vistex",
            "--resize",
            "128",
            "--patch-size",
            "32",
            "--db-per-class",
            "6",
            "--queries-per-class",
            "2",
            "--encoder",
            "lbp-lsh-64",
            "--manifest",
            manifest.toString(),
            "--json"),
        eval.toString());
    double map = JsonParser.parseString(eval.toString()).getAsJsonObject().get("map").getAsDouble();

    String[] args = {
      "bench",
      "sign-loss",
      "--encoder",
      "lbp-lsh-64",
      "--dataset",
      ds.toString(),
      "--manifest",
      manifest.toString()
    };
    StringWriter out = new StringWriter();
    assertEquals(0, run(out, concat(args, "--json")), out.toString());
    JsonObject o = JsonParser.parseString(out.toString()).getAsJsonObject();
    assertEquals(map, o.get("map_signs").getAsDouble(), 1e-6, "the same ranking as eval's");
    assertEquals(8, o.get("queries").getAsInt());
    assertEquals(24, o.get("database").getAsInt());
    for (String key : new String[] {"map_outputs", "map_asymmetric"}) {
      double v = o.get(key).getAsDouble();
      assertTrue(v > 0 && v <= 1, key + " " + v);
    }
    StringWriter text = new StringWriter();
    assertEquals(0, run(text, args));
    assertTrue(text.toString().contains("MAP asymmetric"), text.toString());

    Path garbage = Files.writeString(tmp.resolve("garbage.tsv"), "not a manifest\n");
    for (Path bad : new Path[] {tmp.resolve("none.tsv"), garbage}) {
      String[] badArgs = args.clone();
      badArgs[badArgs.length - 1] = bad.toString(); // the --manifest value
      assertEquals(2, run(new StringWriter(), badArgs), bad.toString());
    }
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
