package org.texhash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.texhash.indexer.image.SyntheticTextures;
import picocli.CommandLine;

class TrainSynthCommandTest {
  @TempDir Path tmp;

  private Path dataset() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("textures"));
    for (int c = 0; c < 3; c++) {
      ImageIO.write(
          SyntheticTextures.generate(200 + c, 96, 96),
          "png",
          dir.resolve("t" + c + ".png").toFile());
    }
    return dir;
  }

  private static int run(StringWriter out, String... args) {
    CommandLine cl = TexhashCommand.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(new StringWriter(), true));
    return cl.execute(args);
  }

  @Test
  void trainThenExpandThenEvaluate() throws IOException {
    Path ds = dataset();
    Path out = tmp.resolve("tsn");
    StringWriter w = new StringWriter();
    assertEquals(
        0,
        run(
            w,
            "train",
            "tsn",
            "--data",
            ds.toString(),
            "--protocol",
            "vistex",
            "--preset",
            "tiny",
            "--out",
            out.toString(),
            "--steps",
            "3",
            "--json"),
        w.toString());
    JsonObject summary = JsonParser.parseString(w.toString()).getAsJsonObject();
    assertEquals(3, summary.get("steps").getAsInt());
    assertTrue(Files.isRegularFile(out.resolve("generator.params")));
    assertTrue(Files.isRegularFile(out.resolve("losses.csv")));

    Path png = tmp.resolve("big.png");
    w = new StringWriter();
    assertEquals(
        0,
        run(
            w,
            "synth",
            "--tsn",
            out.toString(),
            "--image",
            ds.resolve("t0.png").toString(),
            "--out",
            png.toString(),
            "--size",
            "150"),
        w.toString());
    BufferedImage big = ImageIO.read(png.toFile());
    assertEquals(150, big.getWidth());
    assertEquals(150, big.getHeight());

    Path grid = tmp.resolve("grid.png");
    w = new StringWriter();
    assertEquals(
        0,
        run(
            w,
            "synth",
            "--evaluate",
            "--tsn",
            out.toString(),
            "--data",
            ds.toString(),
            "--per-region",
            "1",
            "--grid",
            grid.toString(),
            "--grid-rows",
            "2",
            "--json"),
        w.toString());
    JsonObject eval = JsonParser.parseString(w.toString()).getAsJsonObject();
    assertEquals(3, eval.get("samples").getAsInt());
    for (String m : new String[] {"tsn", "tile", "mirror"}) {
      assertTrue(eval.getAsJsonObject("scores").has(m), m);
    }
    assertTrue(Files.size(grid) > 0);
  }

  @Test
  void synthWithoutTsnUsesTheShippedGenerator() throws IOException {
    Path in = tmp.resolve("in.png");
    ImageIO.write(SyntheticTextures.generate(7, 64, 64), "png", in.toFile());
    Path png = tmp.resolve("out.png");
    StringWriter w = new StringWriter();
    assertEquals(
        0, run(w, "synth", "--image", in.toString(), "--out", png.toString()), w.toString());
    BufferedImage out = ImageIO.read(png.toFile());
    assertEquals(128, out.getWidth());
    assertEquals(128, out.getHeight());
  }

  @Test
  void badInputIsAUsageError() throws IOException {
    Path ds = dataset();
    StringWriter w = new StringWriter();
    String out = tmp.resolve("o").toString();
    assertEquals(
        2, run(w, "train", "tsn", "--data", ds.toString(), "--protocol", "unseen", "--out", out));
    assertEquals(
        2,
        run(
            w,
            "train",
            "tsn",
            "--data",
            ds.toString(),
            "--protocol",
            "vistex",
            "--preset",
            "huge",
            "--out",
            out));
    assertEquals(
        2,
        run(
            w,
            "train",
            "tsn",
            "--data",
            ds.toString(),
            "--protocol",
            "vistex",
            "--crop",
            "left",
            "--out",
            out));
    assertEquals(
        2,
        run(
            w,
            "train",
            "tsn",
            "--data",
            ds.toString(),
            "--protocol",
            "vistex",
            "--input-skip",
            "sideways",
            "--out",
            out));
    assertEquals(
        2,
        run(
            w,
            "train",
            "tsn",
            "--data",
            ds.toString(),
            "--protocol",
            "vistex",
            "--style-weight",
            "-1",
            "--out",
            out));
    assertEquals(2, run(w, "train"));
    assertEquals(
        2,
        run(
            w,
            "synth",
            "--tsn",
            tmp.resolve("missing").toString(),
            "--image",
            "x.png",
            "--out",
            out));
  }
}
