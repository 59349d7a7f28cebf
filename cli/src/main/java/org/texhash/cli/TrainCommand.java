package org.texhash.cli;

import com.google.gson.JsonObject;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.texhash.indexer.dataset.DatasetSplit;
import org.texhash.indexer.dataset.LabeledImage;
import org.texhash.indexer.dataset.Protocols;
import org.texhash.trainer.hashing.CnnStyleNetwork;
import org.texhash.trainer.tsn.InputSkip;
import org.texhash.trainer.tsn.LossLog;
import org.texhash.trainer.tsn.StepLosses;
import org.texhash.trainer.tsn.TexturePairSampler;
import org.texhash.trainer.tsn.TsnPreset;
import org.texhash.trainer.tsn.TsnTrainer;
import org.texhash.trainer.tsn.TsnTraining;
import org.texhash.trainer.tsn.TsnTrainingOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code texhash train <network>}: one subcommand per trainable network, and {@code views} and
 * {@code ensemble}, which combine trained encoders without training.
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = "Train a texhash network.",
    subcommands = {
      TrainCommand.Tsn.class,
      TrainHashCommand.class,
      TrainViewsCommand.class,
      TrainEnsembleCommand.class
    })
public final class TrainCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(),
        "a subcommand is required: 'train tsn', 'train hash', 'train views' or 'train ensemble'");
  }

  /** {@code texhash train tsn}: stage 1, the texture synthesis network. */
  @Command(
      name = "tsn",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "Train the texture synthesis network (stage 1): a GAN whose generator expands an S x S"
            + " texture patch to 2S x 2S.",
        "Trains on the training regions of the split only (the split of 'texhash eval' with the"
            + " same --split-seed).",
        "Writes generator.params and tsn.properties (for 'texhash synth'), losses.csv, losses.png, "
            + "samples/ and checkpoints/ into OUT."
      })
  static final class Tsn implements Callable<Integer> {
    @Option(names = "--data", required = true, paramLabel = "DIR", description = "Dataset folder.")
    Path data;

    @Option(
        names = "--protocol",
        required = true,
        paramLabel = "vistex|alot",
        converter = ProtocolConverter.class,
        completionCandidates = ProtocolConverter.Candidates.class,
        description = "Dataset protocol (see 'texhash eval').")
    String protocol;

    @Option(
        names = "--preset",
        defaultValue = "cpu",
        paramLabel = "tiny|cpu|paper",
        converter = PresetConverter.class,
        completionCandidates = PresetConverter.Names.class,
        description = "Network size and schedule (default: ${DEFAULT-VALUE}).")
    TsnPreset preset;

    @Option(
        names = "--out",
        required = true,
        paramLabel = "DIR",
        description = "Output folder (keep it outside the repository).")
    Path out;

    @Option(
        names = "--steps",
        paramLabel = "N",
        description = "Total training steps (default: the preset's).")
    Integer steps;

    @Option(
        names = "--resume",
        description =
            "Continue from the latest checkpoint in OUT (same preset, seed, style, crop, weights"
                + " and --spectral-norm).")
    boolean resume;

    @Option(
        names = "--style",
        defaultValue = "random",
        paramLabel = "random|discriminator|PATH",
        description =
            "Style-loss network: seeded random multi-scale filters, D's feature maps, the plain"
                + " CNN of a 'train hash --backbone cnn' run (its OUT.training folder), or a"
                + " TorchScript file (default: ${DEFAULT-VALUE}).")
    String style;

    @Option(
        names = "--crop",
        defaultValue = "center",
        paramLabel = "center|random",
        description =
            "Where the S x S input sits in its 2S x 2S target (default: ${DEFAULT-VALUE}, as Zhou"
                + " et al.).")
    TexturePairSampler.CropPolicy crop;

    @Option(
        names = "--input-skip",
        paramLabel = "none|mirror",
        description =
            "How G's input reaches its output: none (the paper's G) or mirror (G corrects the"
                + " mirror-padded input; default: the preset's).")
    InputSkip inputSkip;

    @Option(
        names = "--l1-weight",
        defaultValue = "100",
        paramLabel = "W",
        description =
            "Weight of the L1 term in G's loss (default: ${DEFAULT-VALUE}, as the paper; 0 with"
                + " the other two weights gives the paper's Table 2 ablations).")
    float l1Weight;

    @Option(
        names = "--style-weight",
        defaultValue = "1",
        paramLabel = "W",
        description = "Weight of the style term in G's loss (default: ${DEFAULT-VALUE}).")
    float styleWeight;

    @Option(
        names = "--adversarial-weight",
        defaultValue = "1",
        paramLabel = "W",
        description = "Weight of the adversarial term in G's loss (default: ${DEFAULT-VALUE}).")
    float adversarialWeight;

    @Option(
        names = "--spectral-norm",
        description =
            "Divide each of D's convolutions by its largest singular value (Miyato et al.), so D"
                + " cannot grow arbitrarily confident and G's adversarial term keeps a useful"
                + " gradient; fixed for a run.")
    boolean spectralNorm;

    @Option(
        names = "--seed",
        defaultValue = "1",
        paramLabel = "N",
        description =
            "Seed of initialisation, batches and style filters (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin SharedOptions.SplitSeed splitSeed;

    @Mixin SharedOptions.JsonFlag json;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      System.setProperty("java.awt.headless", "true");
      if (!List.of("vistex", "alot")
          .contains(protocol)) { // G learns one texture per region: not from a pool
        throw new IllegalArgumentException("--protocol must be vistex or alot, got " + protocol);
      }
      TsnPreset p = inputSkip == null ? preset : preset.withInputSkip(inputSkip);
      TsnTrainingOptions options =
          TsnTrainingOptions.defaults(p)
              .withSteps(steps == null ? p.defaultSteps() : steps)
              .withSeed(seed)
              .withStyle(style)
              .withCrop(crop)
              .withWeights(l1Weight, styleWeight, adversarialWeight)
              .withSpectralNorm(spectralNorm);
      PrintStream progress = System.err;
      progress.printf(
          Locale.ROOT,
          "train tsn: loading %s under %s (split seed %d)%n",
          data,
          protocol,
          splitSeed.value);
      DatasetSplit split = Protocols.load(protocol, data, splitSeed.value);
      TexturePairSampler sampler =
          new TexturePairSampler(
              images(split.trainRegions()), p.patchSize(), p.batchSize(), crop, seed);
      TexturePairSampler.Batch preview =
          new TexturePairSampler(
                  images(split.queryRegions()),
                  p.patchSize(),
                  4,
                  TexturePairSampler.CropPolicy.CENTER,
                  seed)
              .batch(0);
      try (TsnTrainer t =
          new TsnTraining(out, progress, CnnStyleNetwork::open)
              .run(options, sampler, preview, resume)) {
        List<LossLog.Row> rows = LossLog.open(out.resolve("losses.csv"), t.step()).rows();
        StepLosses last = rows.isEmpty() ? null : rows.get(rows.size() - 1).losses();
        var w = spec.commandLine().getOut();
        if (json.on) {
          JsonObject o = new JsonObject();
          o.addProperty("out", out.toString());
          o.addProperty("preset", p.name());
          o.addProperty("steps", t.step());
          o.addProperty("seconds", Math.round(t.seconds() * 10) / 10.0);
          o.addProperty("style", t.style().id());
          o.addProperty("d", num(last == null ? Float.NaN : last.discriminator()));
          o.addProperty("gAdv", num(last == null ? Float.NaN : last.adversarial()));
          o.addProperty("l1", num(last == null ? Float.NaN : last.l1()));
          o.addProperty("style_loss", num(last == null ? Float.NaN : last.style()));
          Json.print(w, o);
        } else {
          w.printf(
              Locale.ROOT,
              "trained %s for %d steps in %.0f s; last step: %s; G saved in %s%n",
              p.name(),
              t.step(),
              t.seconds(),
              last,
              out);
        }
      }
      return ExitCode.OK;
    }

    /** Six significant digits; null (kept in the JSON) before the first logged step. */
    private static Double num(float v) {
      return Float.isFinite(v) ? Double.valueOf(String.format(Locale.ROOT, "%.6g", v)) : null;
    }

    private static List<java.awt.image.BufferedImage> images(List<LabeledImage> regions) {
      return regions.stream().map(LabeledImage::image).toList();
    }
  }
}
