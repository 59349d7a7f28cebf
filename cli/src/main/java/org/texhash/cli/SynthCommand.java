package org.texhash.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import org.texhash.indexer.dataset.LabeledImage;
import org.texhash.indexer.dataset.Protocols;
import org.texhash.indexer.image.ImageLoader;
import org.texhash.trainer.nn.Chw;
import org.texhash.trainer.tsn.ExpansionEvaluation;
import org.texhash.trainer.tsn.SampleGrid;
import org.texhash.trainer.tsn.TextureExpander;
import org.texhash.trainer.tsn.TsnModel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code texhash synth}: expand a texture with a trained TSN, or measure expansions on held-out
 * regions.
 */
@Command(
    name = "synth",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Expand a texture image with a texture synthesis network: the shipped one, or one trained"
          + " with 'texhash train tsn'.",
      "G is applied at the image's own scale (centre-cropped to a multiple of 2^downsamplings),"
          + " repeatedly until the output reaches --size, then centre-cropped; without --size the"
          + " output is twice the input.",
      "With --evaluate: compare G against tiling and mirror padding on the held-out regions of"
          + " --data."
    })
public final class SynthCommand implements Callable<Integer> {
  @Option(
      names = "--tsn",
      paramLabel = "DIR",
      description =
          "Folder of a trained TSN (the --out of 'train tsn'; default: the shipped generator "
              + TsnModel.SHIPPED
              + ").")
  Path tsn;

  @Option(names = "--image", paramLabel = "FILE", description = "Texture image to expand.")
  Path image;

  @Option(names = "--out", paramLabel = "FILE", description = "Output PNG.")
  Path out;

  @Option(
      names = "--size",
      defaultValue = "0",
      paramLabel = "N",
      description = "Output side in pixels (default: twice the input).")
  int size;

  @Option(
      names = "--evaluate",
      description = "Measure L1 and Gram-style distance of expansions of held-out regions.")
  boolean evaluate;

  @Option(names = "--data", paramLabel = "DIR", description = "Dataset folder (with --evaluate).")
  Path data;

  @Option(
      names = "--protocol",
      defaultValue = "vistex",
      paramLabel = "vistex|alot",
      converter = ProtocolConverter.class,
      completionCandidates = ProtocolConverter.Candidates.class,
      description = "Dataset protocol (default: ${DEFAULT-VALUE}).")
  String protocol;

  @Mixin SharedOptions.SplitSeed splitSeed;

  @Option(
      names = "--per-region",
      defaultValue = "4",
      paramLabel = "N",
      description = "Random crops per held-out region (default: ${DEFAULT-VALUE}).")
  int perRegion;

  @Option(
      names = "--seed",
      defaultValue = "7",
      paramLabel = "N",
      description = "Seed of the evaluation crops (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--grid",
      paramLabel = "FILE",
      description = "With --evaluate: also write a PNG grid (input, TSN, tile, mirror, truth).")
  Path grid;

  @Option(
      names = "--grid-rows",
      defaultValue = "6",
      paramLabel = "N",
      description = "Rows of the grid (default: ${DEFAULT-VALUE}).")
  int gridRows;

  @Mixin SharedOptions.JsonFlag json;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    System.setProperty("java.awt.headless", "true");
    try (TsnModel model = tsn == null ? TsnModel.loadShipped() : TsnModel.loadGenerator(tsn)) {
      return evaluate ? evaluate(model) : expand(model);
    }
  }

  private int expand(TsnModel model) throws Exception {
    if (image == null || out == null) {
      throw new IllegalArgumentException("--image and --out are required (or use --evaluate)");
    }
    BufferedImage in = ImageLoader.load(image);
    BufferedImage result = new TextureExpander(model).expand(in, size);
    writePng(result, out);
    var w = spec.commandLine().getOut();
    if (json.on) {
      JsonObject o = new JsonObject();
      o.add("input", size(in));
      o.add("output", size(result));
      o.addProperty("out", out.toString());
      Json.print(w, o);
    } else {
      w.printf(
          Locale.ROOT,
          "%dx%d -> %dx%d: %s%n",
          in.getWidth(),
          in.getHeight(),
          result.getWidth(),
          result.getHeight(),
          out);
    }
    return ExitCode.OK;
  }

  private int evaluate(TsnModel model) throws Exception {
    if (data == null) {
      throw new IllegalArgumentException("--evaluate needs --data");
    }
    List<BufferedImage> regions =
        Protocols.load(protocol, data, splitSeed.value).queryRegions().stream()
            .map(LabeledImage::image)
            .toList();
    ExpansionEvaluation eval = new ExpansionEvaluation(model);
    ExpansionEvaluation.Result r = eval.evaluate(regions, perRegion, seed);
    if (grid != null) {
      int stride = Math.max(1, regions.size() / Math.max(1, gridRows));
      List<BufferedImage> shown = new ArrayList<>();
      for (int i = 0; i < regions.size() && shown.size() < gridRows; i += stride) {
        shown.add(regions.get(i));
      }
      List<List<Chw>> rows = new ArrayList<>();
      for (ExpansionEvaluation.Sample s : eval.samples(shown, 1, seed)) {
        List<Chw> row = new ArrayList<>();
        row.add(s.input());
        row.addAll(s.expansions());
        row.add(s.truth());
        rows.add(row);
      }
      SampleGrid.write(rows, 2 * model.preset().patchSize(), grid);
    }
    var w = spec.commandLine().getOut();
    if (json.on) {
      Json.print(w, r); // the record's fields: regions, samples, scores
    } else {
      w.printf(
          Locale.ROOT,
          "%d held-out regions x %d crops = %d samples (S = %d)%n%s",
          r.regions(),
          perRegion,
          r.samples(),
          model.preset().patchSize(),
          r.table());
      w.flush(); // printf does not auto-flush, and main() exits right after
    }
    return ExitCode.OK;
  }

  private static JsonArray size(BufferedImage image) {
    JsonArray wh = new JsonArray();
    wh.add(image.getWidth());
    wh.add(image.getHeight());
    return wh;
  }

  private static void writePng(BufferedImage img, Path file) throws java.io.IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    if (!ImageIO.write(img, "png", file.toFile())) {
      throw new java.io.IOException("no PNG writer");
    }
  }
}
