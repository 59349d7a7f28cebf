package org.texhash.cli.bench;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.texhash.cli.Json;
import org.texhash.cli.SharedOptions;
import org.texhash.indexer.dataset.DatasetSplit;
import org.texhash.indexer.dataset.Manifest;
import org.texhash.indexer.dataset.PatchSampler;
import org.texhash.indexer.dataset.PatchSpec;
import org.texhash.indexer.dataset.Protocols;
import org.texhash.indexer.encoder.Encoder;
import org.texhash.indexer.encoder.ShippedEncoders;
import org.texhash.indexer.eval.EvalEncoders;
import org.texhash.indexer.eval.SignLoss;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code texhash bench sign-loss}: how much MAP an encoder's codes lose to the sign, on the patches
 * of an evaluation manifest ({@link SignLoss}).
 */
@Command(
    name = "sign-loss",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "What taking the sign costs an encoder: the MAP of its pre-sign features on the patches of"
          + " an evaluation manifest ('texhash eval --manifest'), ranked by the Hamming distance"
          + " of the codes (what the index does; equal to 'texhash eval'), by the cosine of the"
          + " features themselves (no sign: the ceiling of any binarisation), and asymmetrically"
          + " (the query's features against the database's codes: the Hamming distance with each"
          + " bit weighted by the query's confidence).",
      "Brute force over the whole database, not the search path. Progress goes to stderr; the"
          + " table (or --json) to stdout."
    })
public final class BenchSignLossCommand implements Callable<Integer> {
  private static final int BATCH = 128;

  @Option(
      names = "--encoder",
      required = true,
      paramLabel = "ID|FILE.onnx",
      description =
          ShippedEncoders.NAMES_TEXT
              + " (shipped), lbp-lsh-K, itq-K (fitted on the manifest's"
              + " training patches), or an .onnx encoder.")
  String encoder;

  @Option(
      names = "--dataset",
      required = true,
      paramLabel = "DIR",
      description = "The dataset the manifest was made from.")
  Path dataset;

  @Option(
      names = "--manifest",
      required = true,
      paramLabel = "FILE.tsv",
      description = "A patch manifest written by 'texhash eval --manifest'.")
  Path manifestFile;

  @Mixin SharedOptions.JsonFlag json;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Manifest manifest = readManifest();
    PrintStream progress = System.err;
    progress.printf(
        Locale.ROOT,
        "sign-loss: loading %s under %s (seed %d)%n",
        dataset,
        manifest.protocol(),
        manifest.seed());
    DatasetSplit split;
    try {
      split = Protocols.load(manifest.protocol(), dataset, manifest.seed(), manifest.resize());
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    List<PatchSpec> db = manifest.patches(PatchSpec.Role.DATABASE);
    List<PatchSpec> queries = manifest.patches(PatchSpec.Role.QUERY);
    SignLoss.Result r;
    String id;
    int bits;
    try (Encoder e = new EvalEncoders(split, manifest, progress).open(encoder).encoder()) {
      id = e.id();
      bits = e.bits();
      float[][] dbFeatures = features(e, split, db, "database", progress);
      float[][] queryFeatures = features(e, split, queries, "query", progress);
      progress.printf(Locale.ROOT, "sign-loss: ranking %d queries three ways%n", queries.size());
      r = SignLoss.measure(dbFeatures, labels(db), queryFeatures, labels(queries));
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("encoder", id);
    result.put("bits", bits);
    result.put("protocol", manifest.protocol());
    result.put("queries", r.queries());
    result.put("database", r.database());
    result.put("map_signs", r.signs());
    result.put("map_outputs", r.outputs());
    result.put("map_asymmetric", r.asymmetric());
    var out = spec.commandLine().getOut();
    if (json.on) {
      Json.print(out, result);
    } else {
      out.printf(
          Locale.ROOT,
          "encoder %s (%d bits), %s: %d queries, %d database patches%n",
          id,
          bits,
          manifest.protocol(),
          r.queries(),
          r.database());
      out.printf(Locale.ROOT, "MAP signs      %.4f  (Hamming, as indexed)%n", r.signs());
      out.printf(Locale.ROOT, "MAP outputs    %.4f  (cosine, no sign)%n", r.outputs());
      out.printf(Locale.ROOT, "MAP asymmetric %.4f  (query features vs codes)%n", r.asymmetric());
    }
    return ExitCode.OK;
  }

  private Manifest readManifest() {
    if (!Files.isRegularFile(manifestFile)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--manifest: no such file: " + manifestFile);
    }
    Manifest manifest;
    try {
      manifest = Manifest.read(manifestFile);
    } catch (IOException | IllegalArgumentException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--manifest: cannot read " + manifestFile + ": " + e.getMessage());
    }
    if (manifest.unit() != Manifest.Unit.PATCH) {
      // a region's code averages the features of many crops; its features are not one patch's
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--manifest: "
              + manifestFile
              + " holds "
              + manifest.unit().plural()
              + "; sign-loss reads patch manifests");
    }
    return manifest;
  }

  private static float[][] features(
      Encoder e, DatasetSplit split, List<PatchSpec> rows, String role, PrintStream progress) {
    float[][] out = new float[rows.size()][];
    for (int from = 0; from < rows.size(); from += BATCH) {
      int to = Math.min(rows.size(), from + BATCH);
      List<BufferedImage> pixels = PatchSampler.crop(split, rows.subList(from, to), e.inputSize());
      System.arraycopy(e.features(pixels), 0, out, from, to - from);
    }
    progress.printf(Locale.ROOT, "sign-loss: encoded %d %s patches%n", rows.size(), role);
    return out;
  }

  private static int[] labels(List<PatchSpec> rows) {
    return rows.stream().mapToInt(PatchSpec::label).toArray();
  }
}
