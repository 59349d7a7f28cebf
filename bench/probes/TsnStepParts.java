import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.texhash.indexer.dataset.DatasetSplit;
import org.texhash.indexer.dataset.LabeledImage;
import org.texhash.indexer.dataset.Protocols;
import org.texhash.trainer.tsn.InputSkip;
import org.texhash.trainer.tsn.TexturePairSampler;
import org.texhash.trainer.tsn.TsnPreset;
import org.texhash.trainer.tsn.TsnTrainer;
import org.texhash.trainer.tsn.TsnTrainingOptions;

/**
 * Probe: where a TSN training step's time goes. Runs {@code TsnTrainer.trainStep} on the
 * development benchmark's vistex training regions (split seed 42) with a clock on its parts ({@code
 * TsnTrainer.PARTS}) and prints the mean milliseconds of each part over the steps after the
 * warm-up, with its share of the step. A fresh G and D, the random style network (as {@code texhash
 * train tsn --style random}), the preset's batch; one PyTorch intra-op thread unless {@code
 * -Dai.djl.pytorch.num_threads} says otherwise.
 *
 * <p>java -Dai.djl.pytorch.num_threads=1 -cp "cli/target/texhash-cli.jar:cli/target/lib/*"
 * bench/probes/TsnStepParts.java DATA_DIR [PRESET, default cpu] [INPUT_SKIP, default none] [STEPS,
 * default 30] [WARMUP, default 3]
 */
public class TsnStepParts {
  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: DATA_DIR [PRESET] [INPUT_SKIP] [STEPS] [WARMUP]");
      System.exit(2);
    }
    System.setProperty("java.awt.headless", "true");
    if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
      System.setProperty("ai.djl.pytorch.num_threads", "1");
    }
    TsnPreset preset =
        TsnPreset.of(args.length > 1 ? args[1] : "cpu")
            .withInputSkip(
                InputSkip.valueOf((args.length > 2 ? args[2] : "none").toUpperCase(Locale.ROOT)));
    int steps = args.length > 3 ? Integer.parseInt(args[3]) : 30;
    int warmup = args.length > 4 ? Integer.parseInt(args[4]) : 3;
    DatasetSplit split = Protocols.load("vistex", Path.of(args[0]), 42);
    TexturePairSampler sampler =
        new TexturePairSampler(
            split.trainRegions().stream().map(LabeledImage::image).toList(),
            preset.patchSize(),
            preset.batchSize(),
            TexturePairSampler.CropPolicy.CENTER,
            1);
    TsnTrainingOptions options =
        TsnTrainingOptions.defaults(preset).withSeed(1).withStyle(TsnTrainingOptions.STYLE_RANDOM);

    Map<String, Double> millis = new LinkedHashMap<>();
    TsnTrainer.PARTS.forEach(part -> millis.put(part, 0.0));
    try (TsnTrainer trainer = TsnTrainer.create(options)) {
      for (int step = 0; step < steps; step++) {
        TexturePairSampler.Batch batch = sampler.batch(step);
        boolean counted = step >= warmup;
        long[] last = {System.nanoTime()};
        trainer.trainStep(
            batch,
            part -> {
              long now = System.nanoTime();
              if (counted) {
                millis.merge(part, (now - last[0]) / 1e6 / (steps - warmup), Double::sum);
              }
              last[0] = now;
            });
      }
    }
    double total = millis.values().stream().mapToDouble(Double::doubleValue).sum();
    System.out.printf(
        Locale.ROOT,
        "preset %s, input skip %s, batch %d, %d steps (%d not counted), %s PyTorch thread(s)%n",
        preset.name(),
        preset.inputSkip().name().toLowerCase(Locale.ROOT),
        preset.batchSize(),
        steps,
        warmup,
        System.getProperty("ai.djl.pytorch.num_threads"));
    System.out.println("part\tms per step\tshare");
    millis.forEach(
        (part, ms) ->
            System.out.printf(Locale.ROOT, "%s\t%.1f\t%.1f%%%n", part, ms, 100 * ms / total));
    System.out.printf(Locale.ROOT, "step\t%.1f%n", total);
  }
}
