package org.texhash.cli.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.texhash.cli.Json;
import org.texhash.cli.SharedOptions;
import org.texhash.indexer.dataset.DatasetSplit;
import org.texhash.indexer.dataset.Protocols;
import org.texhash.trainer.hashing.Backbone;
import org.texhash.trainer.hashing.HashPreset;
import org.texhash.trainer.hashing.LinearProbe;
import org.texhash.trainer.hashing.PlainCnn;
import org.texhash.trainer.hashing.TsnTaps;
import org.texhash.trainer.tsn.TsnModel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code texhash bench probe}: a linear probe of the stage-2 backbones, before any hashing is
 * learned. G's taps (the shipped generator or a trained one) against a plain CNN of the same tap
 * shapes with random weights, each scored by the same ridge classifier on per-channel statistics.
 */
@Command(
    name = "probe",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Linear probe of the stage-2 backbones, before any hashing is learned.",
      "A ridge classifier on the mean and standard deviation of each tap channel is fitted on"
          + " patches of the training regions and scored on patches of the query regions, for G's"
          + " taps and for a plain CNN of the same tap shapes with random weights (the floor any"
          + " learned feature should clear)."
    })
public final class BenchProbeCommand implements Callable<Integer> {
  @Option(names = "--data", required = true, paramLabel = "DIR", description = "Dataset folder.")
  Path data;

  @Option(
      names = "--protocol",
      defaultValue = "vistex",
      paramLabel = "vistex|alot",
      description = "Dataset protocol (default: ${DEFAULT-VALUE}).")
  String protocol;

  @Option(
      names = "--tsn",
      paramLabel = "DIR",
      description =
          "A trained TSN folder (default: the shipped generator " + TsnModel.SHIPPED + ").")
  Path tsn;

  @Option(
      names = "--train-patches",
      defaultValue = "8",
      paramLabel = "N",
      description = "Patches per training region (default: ${DEFAULT-VALUE}).")
  int trainPatches;

  @Option(
      names = "--test-patches",
      defaultValue = "8",
      paramLabel = "N",
      description = "Patches per query region (default: ${DEFAULT-VALUE}).")
  int testPatches;

  @Option(
      names = "--ridge",
      defaultValue = "0.1",
      paramLabel = "L",
      description = "Ridge lambda per training patch (default: ${DEFAULT-VALUE}).")
  double ridge;

  @Option(
      names = "--seed",
      defaultValue = "1",
      paramLabel = "N",
      description = "Seed of the patches and the random CNN (default: ${DEFAULT-VALUE}).")
  long seed;

  @Mixin SharedOptions.SplitSeed splitSeed;

  @Mixin SharedOptions.JsonFlag json;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    System.setProperty("java.awt.headless", "true");
    if (trainPatches < 1 || testPatches < 1 || !(ridge > 0)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--train-patches and --test-patches must be >= 1, --ridge > 0");
    }
    System.err.printf(
        Locale.ROOT,
        "bench probe: loading %s under %s (split seed %d)%n",
        data,
        protocol,
        splitSeed.value);
    DatasetSplit split = Protocols.load(protocol, data, splitSeed.value);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("protocol", protocol);
    result.put("classes", split.classNames().size());
    try (TsnModel g = tsn == null ? TsnModel.loadShipped() : TsnModel.loadGenerator(tsn)) {
      result.put("tsn", tsn == null ? TsnModel.SHIPPED : tsn.getFileName().toString());
      result.put("tsn_taps", probe(new TsnTaps(g.generator()), g.store(), g.manager(), split));
      Engine engine = Engine.getEngine(TsnModel.ENGINE);
      engine.setRandomSeed((int) seed);
      try (NDManager m = engine.newBaseManager()) {
        int s = g.preset().patchSize();
        PlainCnn cnn = new PlainCnn(s, HashPreset.tapChannels(g.preset()));
        cnn.initialize(m, DataType.FLOAT32, new Shape(1, 3, s, s));
        result.put("random_cnn_taps", probe(cnn, new ParameterStore(m, false), m, split));
      }
    }
    var out = spec.commandLine().getOut();
    if (json.on) {
      Json.print(out, result);
    } else {
      out.printf(
          Locale.ROOT,
          "%s, %d classes; ridge probe on per-channel mean and std of the taps%n",
          protocol,
          split.classNames().size());
      out.printf(
          Locale.ROOT, "%-16s %9s %12s %12s%n", "backbone", "features", "train acc", "test acc");
      for (String key : new String[] {"tsn_taps", "random_cnn_taps"}) {
        LinearProbe.Result r = (LinearProbe.Result) result.get(key);
        out.printf(
            Locale.ROOT,
            "%-16s %9d %12.3f %12.3f%n",
            key.replace('_', ' '),
            r.features(),
            r.trainAccuracy(),
            r.testAccuracy());
      }
    }
    return CommandLine.ExitCode.OK;
  }

  private LinearProbe.Result probe(
      Backbone backbone, ParameterStore store, NDManager manager, DatasetSplit split) {
    System.err.printf(Locale.ROOT, "bench probe: %s taps%n", backbone.name());
    return new LinearProbe(backbone, store, manager, ridge)
        .run(
            split.trainRegions(),
            split.queryRegions(),
            split.classNames().size(),
            trainPatches,
            testPatches,
            seed);
  }
}
