package org.texhash.cli;

import com.google.gson.JsonArray;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.texhash.indexer.dataset.DatasetSplit;
import org.texhash.indexer.dataset.Manifest;
import org.texhash.indexer.dataset.PatchSampler;
import org.texhash.indexer.dataset.Protocols;
import org.texhash.indexer.dataset.QueryTransform;
import org.texhash.indexer.encoder.Encoder;
import org.texhash.indexer.encoder.Encoders;
import org.texhash.indexer.eval.EvalEncoders;
import org.texhash.indexer.eval.EvalResult;
import org.texhash.indexer.eval.Evaluator;
import org.texhash.indexer.search.QueryDistance;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code texhash eval}: retrieval metrics of one or more encoders under a protocol, through the
 * real path (encoder, Lucene index, Hamming query). Progress on stderr; a table, or with {@code
 * --json} one JSON object per encoder (a JSON array when there are several), on stdout.
 */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Evaluates encoders on a texture dataset: MAP over the full Hamming ranking (tie-aware, with"
          + " pessimistic and optimistic bounds), precision at top T, precision/recall within"
          + " Hamming radius 2, and ms per query.",
      "Database patches are indexed in a temporary Lucene index and each query is searched with "
          + "HammingKnnQuery. --encoder lbp-lsh,itq --bits 32,64,128,256 covers precision vs bits."
    })
public final class EvalCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--dataset",
      required = true,
      paramLabel = "DIR",
      description =
          "vistex layout: one image per class in DIR; alot layout: one sub-folder of images per"
              + " class.")
  Path dataset;

  @Option(
      names = "--protocol",
      required = true,
      paramLabel = "vistex|alot|unseen|unseen-SOURCE",
      converter = ProtocolConverter.class,
      completionCandidates = ProtocolConverter.Candidates.class,
      description = {
        "vistex: 4 quadrants per image, 1 for queries; alot: 70/20/10 images per class; unseen: fit"
            + " on half the classes, evaluate on the other half;",
        "unseen-SOURCE: --dataset is a texture pool (one sub-folder per source, one image per"
            + " class): fit on every other source, evaluate on SOURCE's images (vistex-style"
            + " quadrants)."
      })
  String protocol;

  @Option(
      names = "--encoder",
      required = true,
      split = ",",
      paramLabel = "ID|FILE.onnx",
      description =
          "Comma list of encoders: lbp-lsh-K, itq-K, a family (lbp-lsh, itq) expanded over --bits,"
              + " or .onnx files.")
  List<String> encoders;

  @Option(
      names = "--bits",
      split = ",",
      paramLabel = "K",
      description = "Code lengths for encoder families, e.g. 32,64,128,256 (default 64).")
  List<Integer> bits = new ArrayList<>();

  @Option(
      names = "--report",
      paramLabel = "DIR",
      description =
          "Write report.md, manifest.tsv, results.jsonl, per-class.tsv (each class's mean AP) and"
              + " PNG plots to DIR.")
  Path report;

  @Option(
      names = "--query-transform",
      split = ",",
      paramLabel = "T",
      description = {
        "Transform the query patches (never the database): identity, scale:F (0.25..4),"
            + " rotate:DEGREES, brightness:F, contrast:F, jpeg:QUALITY, blur:SIGMA,",
        "or robustness (= "
            + QueryTransform.ROBUSTNESS_SPEC
            + "). One result per encoder and transform (default: identity)."
      })
  List<String> queryTransforms = new ArrayList<>(List.of("identity"));

  @Mixin SharedOptions.JsonFlag json;

  @Option(
      names = "--db-per-class",
      paramLabel = "N",
      description =
          "Database patches per class with --unit patch (default: ${DEFAULT-VALUE}; the paper:"
              + " 2000).")
  int dbPerClass = PatchSampler.DEFAULT_DATABASE_PER_CLASS;

  @Option(
      names = "--queries-per-class",
      paramLabel = "N",
      description =
          "Query patches per class with --unit patch (default: ${DEFAULT-VALUE}; the paper: 200).")
  int queriesPerClass = PatchSampler.DEFAULT_QUERIES_PER_CLASS;

  @Option(
      names = "--train-per-class",
      paramLabel = "N",
      description =
          "Training patches per fitting class, for protocols that fit on other classes (unseen,"
              + " unseen-SOURCE) and with --unit region (default: --db-per-class).")
  Integer trainPerClass;

  @Option(
      names = "--seed",
      paramLabel = "S",
      description = "Seed of the split, the patches and ITQ (default: ${DEFAULT-VALUE}).")
  long seed = 42;

  @Option(
      names = "--manifest",
      paramLabel = "FILE",
      description =
          "Reuse the patches of FILE when it exists (its protocol, seed, resize and patch size"
              + " win); otherwise write this run's patches there.")
  Path manifestFile;

  @Option(
      names = "--unit",
      defaultValue = "patch",
      paramLabel = "patch|region",
      description = {
        "What is indexed and searched for. patch: S x S patches, --db-per-class and"
            + " --queries-per-class per class (the paper's protocol). region: every database and"
            + " query region (a quadrant) once, whole, hashed as 'texhash index' hashes an image (a"
            + " grid of S x S crops, their features averaged): what a user's image search does. ITQ"
            + " still fits on --train-per-class S x S patches (default: ${DEFAULT-VALUE})."
      })
  Manifest.Unit unit;

  @Option(
      names = "--distance",
      defaultValue = "hamming",
      paramLabel = "hamming|weighted",
      description = {
        "What the ranking metrics rank by. hamming: differing bits. weighted: each differing bit"
            + " weighted by the query's confidence in it, |feature|, as 'texhash search --distance"
            + " weighted' ranks; the index keeps its codes (default: ${DEFAULT-VALUE}). The radius"
            + " metrics stay those of Hamming balls."
      })
  QueryDistance distance;

  @Option(
      names = "--patch-size",
      paramLabel = "S",
      description = "Patch side in pixels (default: ${DEFAULT-VALUE}).")
  int patchSize = PatchSampler.DEFAULT_PATCH_SIZE;

  @Option(
      names = "--resize",
      paramLabel = "R",
      description =
          "Resize images to R x R before splitting (default: 0 = 512 for vistex layout, none for"
              + " alot).")
  int resize = 0;

  @Option(
      names = "--top",
      split = ",",
      paramLabel = "T",
      description = "Top-T list for precision at top T (default: 1,5,10,20,50,100,200,500,1000).")
  List<Integer> topT = new ArrayList<>(Evaluator.DEFAULT_TOP_T);

  @Option(
      names = "--search-k",
      paramLabel = "K",
      description = "k of the timed top-k search (default: ${DEFAULT-VALUE}).")
  int searchK = Evaluator.DEFAULT_SEARCH_K;

  @Option(
      names = "--mih-substrings",
      paramLabel = "M",
      description =
          "Multi-index hashing substrings of the temporary index (default: 0 = recommended for the"
              + " database size).")
  int mihSubstrings = 0;

  @Override
  public Integer call() throws IOException {
    PrintStream progress = System.err;
    List<String> ids = Encoders.expand(encoders, bits);
    List<QueryTransform> transforms = QueryTransform.parseAll(queryTransforms);
    Manifest manifest = null;
    if (manifestFile != null && Files.exists(manifestFile)) {
      manifest = Manifest.read(manifestFile);
      if (manifest.unit() != unit) {
        throw new IllegalArgumentException(
            "--unit "
                + unit.tag()
                + " but manifest "
                + manifestFile
                + " holds "
                + manifest.unit().tag()
                + "s; pass --unit "
                + manifest.unit().tag()
                + " or another --manifest");
      }
      if (!manifest.protocol().equals(protocol)) {
        throw new IllegalArgumentException(
            "--protocol "
                + protocol
                + " but manifest "
                + manifestFile
                + " was made for "
                + manifest.protocol());
      }
      progress.printf(
          Locale.ROOT, "eval: reusing %d patches of %s%n", manifest.patches().size(), manifestFile);
    }
    long splitSeed = manifest == null ? seed : manifest.seed();
    int splitResize = manifest == null ? resize : manifest.resize();
    progress.printf(
        Locale.ROOT, "eval: loading %s under %s (seed %d)%n", dataset, protocol, splitSeed);
    DatasetSplit split = Protocols.load(protocol, dataset, splitSeed, splitResize);
    if (manifest == null) {
      int fitPerClass = trainPerClass == null ? dbPerClass : trainPerClass;
      manifest =
          unit == Manifest.Unit.REGION
              ? PatchSampler.sampleRegions(split, fitPerClass, patchSize, splitResize)
              : PatchSampler.sample(
                  split, dbPerClass, queriesPerClass, fitPerClass, patchSize, splitResize);
      if (manifestFile != null) {
        manifest.write(manifestFile);
        progress.printf(Locale.ROOT, "eval: wrote the manifest %s%n", manifestFile);
      }
    }
    progress.printf(
        Locale.ROOT, "eval: %s; %d patches in the manifest%n", split, manifest.patches().size());
    Evaluator evaluator =
        new Evaluator(
            split,
            manifest,
            new Evaluator.Options(topT, searchK, mihSubstrings, distance),
            progress);
    EvalEncoders opener = new EvalEncoders(split, manifest, progress);
    List<EvalResult> results = new ArrayList<>();
    for (String id : ids) {
      EvalEncoders.Opened opened = opener.open(id);
      try (Encoder encoder = opened.encoder()) {
        for (EvalResult r : evaluator.evaluate(encoder, opened.fitSeconds(), transforms)) {
          progress.printf(
              Locale.ROOT, "eval: %s%s MAP %.4f%n", r.encoder(), transformSuffix(r), r.map());
          results.add(r);
        }
      }
    }
    if (report != null) {
      Map<String, String> context = context(split);
      manifest.write(report.resolve("manifest.tsv"));
      EvalReport.write(report, results, context);
      progress.printf(Locale.ROOT, "eval: wrote %s%n", report.resolve("report.md"));
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json.on) {
      JsonArray all = new JsonArray();
      results.forEach(r -> all.add(r.toJsonObject()));
      Json.print(out, results.size() == 1 ? all.get(0) : all);
    } else {
      out.print(table(results));
    }
    out.flush();
    return ExitCode.OK;
  }

  private Map<String, String> context(DatasetSplit split) {
    Map<String, String> c = new LinkedHashMap<>();
    // originalArgs() are the whole command line, subcommand name included.
    c.put(
        "command",
        "`texhash " + String.join(" ", spec.commandLine().getParseResult().originalArgs()) + "`");
    c.put(
        "dataset",
        dataset.toAbsolutePath().normalize() + " (" + split.classNames().size() + " classes)");
    c.put("split", split.toString());
    Runtime rt = Runtime.getRuntime();
    c.put(
        "machine",
        String.format(
            Locale.ROOT,
            "%s %s, %d processors visible, JVM max heap %d MiB, Java %s (%s)",
            System.getProperty("os.name"),
            System.getProperty("os.arch"),
            rt.availableProcessors(),
            rt.maxMemory() >> 20,
            System.getProperty("java.version"),
            ManagementFactory.getRuntimeMXBean().getVmName()));
    return c;
  }

  private static String transformSuffix(EvalResult r) {
    return r.queryTransform().equals("identity") ? "" : " [" + r.queryTransform() + "]";
  }

  static String table(List<EvalResult> results) {
    boolean transformed = results.stream().anyMatch(r -> !r.queryTransform().equals("identity"));
    String query = transformed ? "%-16s " : "%s";
    StringBuilder b =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%-22s " + query + "%5s %8s %8s %8s %8s %8s %9s %9s%n",
                "encoder",
                transformed ? "query transform" : "",
                "bits",
                "MAP",
                "MAP-lo",
                "MAP-hi",
                "P@r2",
                "R@r2",
                "search ms",
                "total ms"));
    for (EvalResult r : results) {
      b.append(
          String.format(
              Locale.ROOT,
              "%-22s " + query + "%5d %8.4f %8.4f %8.4f %8.4f %8.4f %9.3f %9.3f%n",
              r.encoder(),
              transformed ? r.queryTransform() : "",
              r.bits(),
              r.map(),
              r.mapPessimistic(),
              r.mapOptimistic(),
              r.radius2Precision(),
              r.radius2Recall(),
              r.searchMsPerQuery(),
              r.totalMsPerQuery()));
    }
    if (!results.isEmpty()) {
      EvalResult r = results.get(0);
      b.append(
          String.format(
              Locale.ROOT,
              "%s: %d classes, %d queries, %d database %s; ranked by the %s distance; search ="
                  + " top-%d, total = encode + search%n",
              r.protocol(),
              r.classes(),
              r.queries(),
              r.database(),
              Manifest.Unit.valueOf(r.unit().toUpperCase(Locale.ROOT)).plural(),
              r.distance(),
              r.searchK()));
    }
    return b.toString();
  }
}
