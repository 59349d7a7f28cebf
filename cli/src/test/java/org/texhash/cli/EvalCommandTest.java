package org.texhash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class EvalCommandTest {
  @TempDir Path tmp;

  private Path dataset(int classes) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("textures"));
    for (int c = 0; c < classes; c++) {
      ImageIO.write(
          org.texhash.indexer.image.SyntheticTextures.generate(100 + c, 160, 160),
          "png",
          dir.resolve("t" + c + ".png").toFile());
    }
    return dir;
  }

  /** Runs eval; its progress lines (on System.err) are kept out of the build log. */
  private static int run(StringWriter out, String... args) {
    PrintStream err = System.err;
    System.setErr(
        new PrintStream(OutputStream.nullOutputStream())); // before the CommandLine exists
    try {
      CommandLine cl = TexhashCommand.commandLine();
      cl.setOut(new PrintWriter(out));
      cl.setErr(new PrintWriter(new StringWriter()));
      return cl.execute(args);
    } finally {
      System.setErr(err);
    }
  }

  @Test
  void jsonReportAndManifestReuse() throws IOException {
    Path ds = dataset(5);
    Path manifest = tmp.resolve("m.tsv");
    Path report = tmp.resolve("report");
    String[] common =
        smallVistex(
            ds,
            "--db-per-class",
            "8",
            "--queries-per-class",
            "3",
            "--manifest",
            manifest.toString(),
            "--json");
    StringWriter out = new StringWriter();
    String[] args =
        concat(common, "--encoder", "lbp-lsh,itq", "--bits", "32", "--report", report.toString());
    assertEquals(0, run(out, args), out.toString());
    JsonArray all = JsonParser.parseString(out.toString()).getAsJsonArray();
    assertEquals(2, all.size());
    assertEquals("itq-32", all.get(1).getAsJsonObject().get("encoder").getAsString());
    JsonObject first = all.get(0).getAsJsonObject();
    for (String key :
        new String[] {
          "encoder",
          "bits",
          "protocol",
          "classes",
          "queries",
          "database",
          "map",
          "map_pessimistic",
          "map_optimistic",
          "precision_at_top",
          "radius2_precision",
          "radius2_recall",
          "search_ms_per_query",
          "total_ms_per_query"
        }) {
      assertTrue(first.has(key), key + " in " + first);
    }
    assertEquals(15, first.get("queries").getAsInt());
    assertEquals(40, first.get("database").getAsInt());
    assertTrue(Files.exists(manifest));
    for (String f :
        new String[] {
          "report.md",
          "manifest.tsv",
          EvalReport.PRECISION_AT_TOP,
          EvalReport.PRECISION_VS_BITS,
          EvalReport.PR_RADIUS
        }) {
      assertTrue(Files.size(report.resolve(f)) > 0, f);
    }
    String md = Files.readString(report.resolve("report.md"));
    assertTrue(md.contains("| itq-32 | 32 |"));
    assertTrue(
        md.contains("`texhash eval --dataset " + ds + " "),
        "the command as it was typed, once: " + md);
    assertTrue(!md.contains("eval eval"), md);

    // per class: 5 classes of 3 queries under each of the 2 encoders, averaging to the MAP
    List<String> rows = Files.readAllLines(report.resolve(EvalReport.PER_CLASS));
    assertEquals("encoder\tbits\tdistance\tquery_transform\tclass\tqueries\tap", rows.get(0));
    assertEquals(1 + 2 * 5, rows.size(), String.join("\n", rows));
    for (int e = 0; e < 2; e++) {
      double mean = 0;
      Set<String> classes = new HashSet<>();
      for (String row : rows.subList(1 + 5 * e, 6 + 5 * e)) {
        String[] f = row.split("\t");
        assertEquals(all.get(e).getAsJsonObject().get("encoder").getAsString(), f[0], row);
        assertEquals("3", f[5], row);
        classes.add(f[4]);
        mean += Double.parseDouble(f[6]) / 5;
      }
      assertEquals(5, classes.size(), "each class once: " + classes);
      assertEquals(all.get(e).getAsJsonObject().get("map").getAsDouble(), mean, 1e-5);
    }

    // The same manifest again gives the same metrics for a fixed encoder.
    StringWriter again = new StringWriter();
    assertEquals(0, run(again, concat(common, "--encoder", "lbp-lsh-32")));
    JsonObject one = JsonParser.parseString(again.toString()).getAsJsonObject();
    assertEquals(first.get("map").getAsDouble(), one.get("map").getAsDouble(), 0.0);
  }

  @Test
  void crossPackageProtocolWithQueryTransformsReportsMapPerTransform() throws IOException {
    for (String source : new String[] {"alpha", "beta"}) {
      Path dir = Files.createDirectories(tmp.resolve("pool").resolve(source));
      for (int c = 0; c < 3; c++) {
        int seed = source.equals("alpha") ? 200 + c : 300 + c;
        ImageIO.write(
            org.texhash.indexer.image.SyntheticTextures.generate(seed, 160, 160),
            "png",
            dir.resolve("t" + c + ".png").toFile());
      }
    }
    Path report = tmp.resolve("report");
    StringWriter out = new StringWriter();
    assertEquals(
        0,
        run(
            out,
            "eval",
            "--dataset",
            tmp.resolve("pool").toString(),
            "--protocol",
            "unseen-beta",
            "--resize",
            "192",
            "--patch-size",
            "32",
            "--db-per-class",
            "6",
            "--queries-per-class",
            "3",
            "--train-per-class",
            "5",
            "--encoder",
            "lbp-lsh-32,itq-32",
            "--query-transform",
            "identity,jpeg:30,scale:2",
            "--report",
            report.toString()),
        out.toString());
    String table = out.toString();
    assertTrue(
        table.contains("query transform")
            && table.contains("jpeg:30")
            && table.contains("unseen-beta: 3 classes"),
        table);
    String md = Files.readString(report.resolve("report.md"));
    assertTrue(md.contains("| encoder | identity | jpeg:30 | scale:2 |"), md);
    assertTrue(md.contains("| itq-32 |"), md);
    String manifest = Files.readString(report.resolve("manifest.tsv"));
    assertEquals(
        15,
        manifest.lines().filter(l -> l.endsWith("\ttrain")).count(),
        "itq is fitted on 5 patches of each alpha texture");
    assertTrue(
        manifest.lines().filter(l -> l.endsWith("\ttrain")).allMatch(l -> l.startsWith("alpha/")),
        manifest);
    assertEquals(
        2,
        run(
            new StringWriter(),
            "eval",
            "--dataset",
            tmp.resolve("pool").toString(),
            "--protocol",
            "unseen-beta",
            "--encoder",
            "lbp-lsh-32",
            "--query-transform",
            "sharpen:3"));
  }

  @Test
  void regionUnitSearchesEachQuadrantOnceAndRefusesToMixUnits() throws IOException {
    Path ds = dataset(5);
    Path manifest = tmp.resolve("regions.tsv");
    String[] common =
        smallVistex(ds, "--encoder", "lbp-lsh-64", "--manifest", manifest.toString(), "--json");
    StringWriter out = new StringWriter();
    assertEquals(0, run(out, concat(common, "--unit", "region")), out.toString());
    JsonObject r = JsonParser.parseString(out.toString()).getAsJsonObject();
    assertEquals("region", r.get("unit").getAsString());
    assertEquals(5, r.get("queries").getAsInt(), "one query quadrant per class");
    assertEquals(15, r.get("database").getAsInt(), "the three other quadrants of each class");
    // five unlike synthetic textures: chance is about 0.3, measured 1.0
    assertTrue(r.get("map").getAsDouble() > 0.8, r.toString());

    StringWriter again = new StringWriter();
    assertEquals(0, run(again, concat(common, "--unit", "region")));
    assertEquals(
        r.get("map").getAsDouble(),
        JsonParser.parseString(again.toString()).getAsJsonObject().get("map").getAsDouble(),
        0.0);
    assertEquals(2, run(new StringWriter(), common), "a region manifest is not reused for patches");
  }

  @Test
  void weightedDistanceRanksTheSameIndexAndKeepsTheHammingBalls() throws IOException {
    Path ds = dataset(5);
    Path manifest = tmp.resolve("m.tsv");
    for (String unit : new String[] {"patch", "region"}) {
      String[] common =
          smallVistex(
              ds,
              "--encoder",
              "lbp-lsh-32",
              "--unit",
              unit,
              "--manifest",
              manifest.resolveSibling(unit + ".tsv").toString(),
              "--json");
      JsonObject[] r = new JsonObject[2];
      String[] distances = {"hamming", "weighted"};
      for (int i = 0; i < 2; i++) {
        StringWriter out = new StringWriter();
        // the run itself checks every query's weighted ranking against a brute-force scan
        assertEquals(0, run(out, concat(common, "--distance", distances[i])), out.toString());
        r[i] = JsonParser.parseString(out.toString()).getAsJsonObject();
        assertEquals(distances[i], r[i].get("distance").getAsString());
      }
      for (String ball : new String[] {"radius2_precision", "radius2_recall"}) {
        assertEquals(r[0].get(ball).getAsDouble(), r[1].get(ball).getAsDouble(), 0.0, ball);
      }
      // five unlike synthetic textures: chance is about 0.3
      assertTrue(r[1].get("map").getAsDouble() > 0.6, unit + ": " + r[1]);
    }
  }

  @Test
  void badUsageExitsWithTwo() throws IOException {
    Path ds = dataset(2);
    assertEquals(
        2,
        run(
            new StringWriter(),
            "eval",
            "--dataset",
            ds.toString(),
            "--protocol",
            "nope",
            "--encoder",
            "lbp-lsh-64"));
    assertEquals(
        2,
        run(
            new StringWriter(),
            "eval",
            "--dataset",
            tmp.resolve("missing").toString(),
            "--protocol",
            "vistex",
            "--encoder",
            "lbp-lsh-64"));
    assertEquals(
        2,
        run(
            new StringWriter(),
            "eval",
            "--dataset",
            ds.toString(),
            "--protocol",
            "vistex",
            "--encoder",
            "lsh-99",
            "--resize",
            "128",
            "--patch-size",
            "32"));
  }

  /** eval on the 128-pixel vistex layout of {@code ds} with 32-pixel patches, then {@code more}. */
  private static String[] smallVistex(Path ds, String... more) {
    return concat(
        new String[] {
          "eval",
          "--dataset",
          ds.toString(),
          "--protocol",
          "vistex",
          "--resize",
          "128",
          "--patch-size",
          "32"
        },
        more);
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
