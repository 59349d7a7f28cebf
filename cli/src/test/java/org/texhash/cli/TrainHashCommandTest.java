package org.texhash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.texhash.indexer.encoder.OnnxEncoder;
import org.texhash.indexer.image.SyntheticTextures;
import picocli.CommandLine;

class TrainHashCommandTest {
  @TempDir Path tmp;

  private Path dataset() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("textures"));
    for (int c = 0; c < 3; c++) {
      ImageIO.write(
          SyntheticTextures.generate(300 + c, 96, 96),
          "png",
          dir.resolve("t" + c + ".png").toFile());
    }
    return dir;
  }

  private static int run(StringWriter out, StringWriter err, String... args) {
    CommandLine cl = TexhashCommand.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  private static int run(String... args) {
    return run(new StringWriter(), new StringWriter(), args);
  }

  private String trainHash(Path ds, Path tsn, String backbone, int bits, String... extra) {
    Path out = tmp.resolve(backbone + "-" + bits + ".onnx");
    StringWriter w = new StringWriter();
    List<String> args =
        new ArrayList<>(
            List.of(trainArgs(ds, backbone, Integer.toString(bits), out, "--steps", "4")));
    if (tsn != null) {
      args.addAll(List.of("--tsn", tsn.toString()));
    }
    args.addAll(List.of(extra));
    assertEquals(0, run(w, new StringWriter(), args.toArray(String[]::new)), w.toString());
    assertTrue(Files.isRegularFile(out));
    assertTrue(
        Files.isRegularFile(
            tmp.resolve(backbone + "-" + bits + ".training").resolve("losses.csv")));
    return out.toString();
  }

  @Test
  void trainedEncodersServeIndexAndEvalAndAMismatchIsRefused() throws Exception {
    Path ds = dataset();
    Path tsn = tmp.resolve("tsn");
    assertEquals(
        0,
        run(
            "train",
            "tsn",
            "--data",
            ds.toString(),
            "--protocol",
            "vistex",
            "--preset",
            "tiny",
            "--out",
            tsn.toString(),
            "--steps",
            "2"));
    String m64 = trainHash(ds, tsn, "tsn", 64);
    String m32 =
        trainHash(
            ds,
            tsn,
            "cnn",
            32,
            "--pooling",
            "mean_std",
            "--anneal-steps",
            "2",
            "--batch-size",
            "6");
    try (OnnxEncoder e = OnnxEncoder.open(Path.of(m32))) {
      // the plain CNN has no G of its own: given one, it trains on G's expansions too
      assertEquals("true", e.metadata().get("texhash.augmentation"));
    }
    String tuned = trainHash(ds, tsn, "tsn-tuned", 64, "--no-augmentation");
    try (OnnxEncoder e = OnnxEncoder.open(Path.of(tuned))) {
      assertEquals("tsn-tuned", e.backbone());
      assertTrue(e.id().startsWith("tsn-tuned-dsdh-64-noaug"), e.id());
    }
    try (OnnxEncoder e = OnnxEncoder.open(Path.of(m64))) {
      assertEquals(64, e.bits());
      assertEquals(16, e.inputSize());
      assertEquals("tsn", e.backbone());
      assertEquals("dsdh", e.objective());
      assertEquals("vistex", e.metadata().get("texhash.training.protocol"));
      assertEquals("mean", e.metadata().get("texhash.pooling"));
    }
    try (OnnxEncoder e = OnnxEncoder.open(Path.of(m32))) {
      assertEquals("mean_std", e.metadata().get("texhash.pooling"));
      assertEquals("2", e.metadata().get("texhash.anneal_steps"));
      assertEquals("6", e.metadata().get("texhash.batch_size"));
    }

    Path index = tmp.resolve("index");
    assertEquals(0, run("index", ds.toString(), "--index", index.toString(), "--encoder", m64));
    assertEquals(
        2,
        run(
            "index",
            ds.toString(),
            "--index",
            index.toString(),
            "--encoder",
            m32)); // a 32-bit model, a 64-bit index

    StringWriter w = new StringWriter();
    assertEquals(
        0,
        run(
            w,
            new StringWriter(),
            "eval",
            "--dataset",
            ds.toString(),
            "--protocol",
            "vistex",
            "--resize",
            "128",
            "--patch-size",
            "16",
            "--db-per-class",
            "4",
            "--queries-per-class",
            "2",
            "--encoder",
            m64 + "," + m32 + "," + tuned,
            "--json"),
        w.toString());
    assertEquals(
        3, JsonParser.parseString(w.toString()).getAsJsonArray().size()); // one result per encoder
  }

  @Test
  void viewsWrapATrainedEncoderThatIndexesAndIsRefusedByThePlainIndex() throws Exception {
    Path ds = dataset();
    String plain = trainHash(ds, null, "cnn", 16, "--views", "2");
    try (OnnxEncoder e = OnnxEncoder.open(Path.of(plain))) {
      assertEquals("2", e.metadata().get("texhash.views"));
    }
    String base = trainHash(ds, null, "cnn", 32);
    Path turned = tmp.resolve("turned.onnx");
    StringWriter w = new StringWriter();
    assertEquals(
        0,
        run(
            w,
            new StringWriter(),
            "train",
            "views",
            "--encoder",
            base,
            "--views",
            "8",
            "--out",
            turned.toString()),
        w.toString());
    assertTrue(w.toString().contains("8 views"), w.toString());
    try (OnnxEncoder e = OnnxEncoder.open(turned)) {
      assertEquals(32, e.bits());
      assertEquals("8", e.metadata().get("texhash.views"));
      assertEquals("cnn", e.backbone());
    }
    Path index = tmp.resolve("plain-index");
    assertEquals(0, run("index", ds.toString(), "--index", index.toString(), "--encoder", base));
    assertEquals(
        2,
        run(
            "index",
            ds.toString(),
            "--index",
            index.toString(),
            "--encoder",
            turned.toString())); // another model id: refused, the index is left alone
    Path other = tmp.resolve("turned-index");
    assertEquals(
        0,
        run("index", ds.toString(), "--index", other.toString(), "--encoder", turned.toString()));
    String[] bad = {"3", "8"};
    String[] from = {base, turned.toString()}; // 3 views do not exist; views of views are refused
    for (int i = 0; i < bad.length; i++) {
      assertEquals(
          2,
          run(
              "train",
              "views",
              "--encoder",
              from[i],
              "--views",
              bad[i],
              "--out",
              tmp.resolve("bad" + i + ".onnx").toString()));
    }
  }

  @Test
  void aRunResumesDistillingItsViewAveragedExportAndWrongTeachersAreRefused() throws Exception {
    Path ds = dataset();
    Path teacher = tmp.resolve("teacher.onnx");
    Files.copy(Path.of(trainHash(ds, null, "cnn", 16, "--views", "4")), teacher);
    Path student = tmp.resolve("cnn-16.onnx"); // resumes the run of the teacher
    assertEquals(
        0,
        run(
            trainArgs(
                ds,
                "cnn",
                "16",
                student,
                "--steps",
                "8",
                "--resume",
                "--teacher",
                teacher.toString())));
    try (OnnxEncoder t = OnnxEncoder.open(teacher);
        OnnxEncoder e = OnnxEncoder.open(student)) {
      assertTrue(e.id().contains("-distilled"), e.id());
      assertEquals(t.id(), e.metadata().get("texhash.teacher"));
      assertEquals("1", e.metadata().get("texhash.views"));
    }
    Path refused = tmp.resolve("refused.onnx");
    List<String> wrong =
        List.of(
            tmp.resolve("missing.onnx").toString(), // no such file
            ds.resolve("t0.png").toString()); // not an encoder
    for (String w : wrong) {
      assertEquals(2, run(trainArgs(ds, "cnn", "16", refused, "--steps", "2", "--teacher", w)), w);
    }
    // a 16-bit teacher cannot teach a 32-bit code
    assertEquals(
        2,
        run(trainArgs(ds, "cnn", "32", refused, "--steps", "2", "--teacher", teacher.toString())));
    assertTrue(Files.notExists(refused));
  }

  /** {@code train hash} on {@code ds} with the tiny preset. */
  @Test
  void anEnsembleOfTwoSeedsIndexesUnderItsOwnIdAndRefusesMembersOfAnotherLength() throws Exception {
    Path ds = dataset();
    Path first = Path.of(trainHash(ds, null, "cnn", 16, "--seed", "1"));
    Path second = tmp.resolve("seed2.onnx");
    assertEquals(0, run(trainArgs(ds, "cnn", "16", second, "--steps", "4", "--seed", "2")));
    Path ensemble = tmp.resolve("ensemble.onnx");
    StringWriter w = new StringWriter();
    String[] args = {
      "train", "ensemble", "--encoder", first.toString(), second.toString(), "--out", ""
    };
    args[args.length - 1] = ensemble.toString();
    assertEquals(0, run(w, new StringWriter(), args), w.toString());
    assertTrue(w.toString().contains("2 members"), w.toString());
    try (OnnxEncoder e = OnnxEncoder.open(ensemble)) {
      assertEquals(16, e.bits());
      assertEquals(2, e.metadata().get("texhash.members").split(",").length);
      assertEquals(null, e.metadata().get("texhash.seed")); // the members differ in it
    }
    Path index = tmp.resolve("ensemble-index");
    assertEquals(
        0,
        run("index", ds.toString(), "--index", index.toString(), "--encoder", ensemble.toString()));
    assertEquals(
        2, run("index", ds.toString(), "--index", index.toString(), "--encoder", first.toString()));

    String longer = trainHash(ds, null, "cnn", 32);
    StringWriter err = new StringWriter();
    int code =
        run(
            new StringWriter(),
            err,
            "train",
            "ensemble",
            "--encoder",
            first.toString(),
            longer,
            "--out",
            tmp.resolve("mixed.onnx").toString());
    assertEquals(2, code, err.toString());
    assertTrue(err.toString().contains("texhash.bits"), err.toString());
    assertEquals(
        2,
        run(
            "train",
            "ensemble",
            "--encoder",
            first.toString(),
            "--out",
            tmp.resolve("alone.onnx").toString())); // one member is no ensemble
    assertEquals(
        2,
        run(
            "train",
            "ensemble",
            "--encoder",
            first.toString(),
            second.toString(),
            "--out",
            second.toString())); // would write over a member
    assertTrue(Files.size(second) > 0);
    assertTrue(
        !Files.exists(tmp.resolve("mixed.onnx")) && !Files.exists(tmp.resolve("alone.onnx")));
  }

  private static String[] trainArgs(
      Path ds, String backbone, String bits, Path out, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "train",
                "hash",
                "--data",
                ds.toString(),
                "--protocol",
                "vistex",
                "--preset",
                "tiny",
                "--backbone",
                backbone,
                "--bits",
                bits,
                "--out",
                out.toString()));
    args.addAll(List.of(extra));
    return args.toArray(String[]::new);
  }

  @Test
  void badInputIsAUsageError() throws IOException {
    Path ds = dataset();
    String out = tmp.resolve("m.onnx").toString();
    List<List<String>> bad =
        List.of(
            List.of("--preset", "tiny", "--out", out), // tsn backbone without --tsn
            List.of("--backbone", "tsn-tuned", "--out", out), // the same
            List.of("--backbone", "vgg", "--out", out), // no such backbone
            List.of("--backbone", "cnn", "--bits", "48", "--out", out),
            List.of("--backbone", "cnn", "--objective", "sdh", "--out", out),
            List.of("--protocol", "nope", "--backbone", "cnn", "--out", out),
            List.of("--backbone", "cnn", "--crops", "zoomed", "--out", out), // no such crops
            List.of("--backbone", "cnn", "--cnn-depth", "0", "--out", out),
            List.of("--backbone", "cnn", "--cnn-depth", "9", "--out", out),
            // only the plain CNN has levels to deepen
            List.of("--backbone", "tsn", "--cnn-depth", "2", "--out", out),
            List.of("--backbone", "cnn", "--cnn-stem", "lbp", "--out", out), // no such stem
            // the signs feed the plain CNN's stem
            List.of("--backbone", "tsn", "--cnn-stem", "signs", "--out", out),
            // crops must halve exactly at every level, up to the preset's patch size
            List.of("--backbone", "cnn", "--crop-size", "40", "--out", out),
            List.of("--backbone", "cnn", "--crop-size", "128", "--out", out),
            // a factor of 1 or less would stop a healthy run at its first noisy interval
            List.of("--backbone", "cnn", "--divergence-factor", "0.5", "--out", out),
            List.of("--backbone", "cnn", "--quantisation-weight", "-1", "--out", out),
            List.of("--backbone", "cnn", "--quantisation-weight", "0", "--out", out), // dsdh
            List.of("--backbone", "cnn", "--weight-decay", "-0.1", "--out", out),
            List.of("--backbone", "cnn", "--weight-average", "0.5", "--out", out), // too short
            List.of("--backbone", "cnn", "--weight-average", "1", "--out", out), // never moves
            List.of("--backbone", "cnn", "--dropout", "0.95", "--out", out), // nothing left
            List.of("--backbone", "cnn", "--schedule", "linear", "--out", out), // no such schedule
            // synthetic classes mix the cosine classifier's rows
            List.of("--backbone", "cnn", "--proxy-synthesis", "0.4", "--out", out),
            List.of(
                "--backbone",
                "cnn",
                "--objective",
                "cosine",
                "--proxy-synthesis",
                "5",
                "--out",
                out),
            List.of("--backbone", "cnn", "--source-balance", "2", "--out", out), // past equal
            List.of("--backbone", "cnn", "--sharpness-radius", "-0.05", "--out", out),
            List.of("--backbone", "cnn", "--backbone-rate", "0", "--out", out), // never learns
            List.of("--backbone", "cnn", "--backbone-rate", "2", "--out", out), // past the head
            // a frozen G has nothing to slow down
            List.of("--backbone", "tsn", "--backbone-rate", "0.1", "--out", out),
            // the default objective (dsdh) fits no network classifier for a head to feed
            List.of("--backbone", "cnn", "--projection-head", "256", "--out", out),
            List.of(
                "--backbone",
                "cnn",
                "--objective",
                "cosine",
                "--projection-head",
                "8",
                "--out",
                out),
            // a Gram of 128 channels would be a 16,384-long descriptor
            List.of(
                "--backbone", "cnn", "--pooling", "gram", "--descriptor-dims", "128", "--out", out),
            List.of("--backbone", "cnn", "--channel-orders", "7", "--out", out), // 3! orders
            // the pairwise objectives need two crops in a batch
            List.of("--backbone", "cnn", "--batch-size", "1", "--out", out),
            List.of("--backbone", "cnn", "--batch-size", "4096", "--out", out),
            // the label-free objective always trains on views
            List.of(
                "--backbone",
                "cnn",
                "--objective",
                "contrastive",
                "--crops",
                "views",
                "--out",
                out),
            List.of("--backbone", "cnn", "--out", tmp.resolve("m.bin").toString()));
    for (List<String> options : bad) {
      List<String> args = new ArrayList<>(List.of("train", "hash", "--data", ds.toString()));
      if (!options.contains("--protocol")) {
        args.addAll(List.of("--protocol", "vistex"));
      }
      args.addAll(options);
      assertEquals(2, run(args.toArray(String[]::new)), String.join(" ", options));
    }
  }
}
