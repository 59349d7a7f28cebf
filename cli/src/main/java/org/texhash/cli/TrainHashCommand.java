package org.texhash.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.texhash.indexer.dataset.DatasetSplit;
import org.texhash.indexer.dataset.Protocols;
import org.texhash.trainer.hashing.BackboneKind;
import org.texhash.trainer.hashing.Distillation;
import org.texhash.trainer.hashing.DivergenceGuard;
import org.texhash.trainer.hashing.HashOptions;
import org.texhash.trainer.hashing.HashPreset;
import org.texhash.trainer.hashing.HashTrainer;
import org.texhash.trainer.hashing.HashTraining;
import org.texhash.trainer.hashing.Objective;
import org.texhash.trainer.hashing.PlainCnn;
import org.texhash.trainer.hashing.TrainingCrops;
import org.texhash.trainer.hashing.TrainingSlots;
import org.texhash.trainer.nn.GlobalPool;
import org.texhash.trainer.onnx.ViewAveraging;
import org.texhash.trainer.tsn.TsnPreset;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code texhash train hash}: stage 2, the hashing network, exported as an ONNX encoder. */
@Command(
    name = "hash",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Train the hashing network (stage 2) and export it as an encoder for 'texhash index' and"
          + " 'texhash eval'.",
      "Reads multi-scale maps of a trained, frozen TSN (--backbone tsn, the paper's), trains G's"
          + " map path with the head from its synthesis weights (--backbone tsn-tuned), or trains a"
          + " plain CNN from scratch (--backbone cnn).",
      "Trains on the training regions of the split only (the split of 'texhash eval' with the same"
          + " --split-seed).",
      "Writes FILE.onnx, and WORK/losses.csv/.png and WORK/checkpoints/ (WORK defaults to FILE"
          + " without .onnx, plus .training)."
    })
final class TrainHashCommand implements Callable<Integer> {
  @Option(
      names = "--tsn",
      paramLabel = "DIR",
      description =
          "Folder of a trained TSN ('texhash train tsn --out DIR'); needed by the tsn and tsn-tuned"
              + " backbones and by augmentation.")
  Path tsn;

  @Option(names = "--data", required = true, paramLabel = "DIR", description = "Dataset folder.")
  Path data;

  @Option(
      names = "--protocol",
      required = true,
      converter = ProtocolConverter.ForTraining.class,
      completionCandidates = ProtocolConverter.TrainingCandidates.class,
      paramLabel = "vistex|alot|unseen|unseen-SOURCE|pool",
      description =
          "Dataset protocol (see 'texhash eval'); unseen-SOURCE trains on every texture-pool source"
              + " but SOURCE, pool on all of them.")
  String protocol;

  @Option(
      names = "--bits",
      defaultValue = "64",
      paramLabel = "K",
      description = "Code length: 16, 32, 64, 128 or 256 (default: ${DEFAULT-VALUE}).")
  int bits;

  @Option(
      names = "--objective",
      defaultValue = "dsdh",
      paramLabel = "dsdh|dpsh|dhcq|contrastive|cosine",
      description =
          "Hashing objective; contrastive needs no labels (two augmented views of a texture are a"
              + " pair); cosine is DHCQ with a normalised, margin softmax classifier (default:"
              + " ${DEFAULT-VALUE}).")
  Objective objective;

  @Option(
      names = "--preset",
      defaultValue = "cpu",
      converter = PresetConverter.class,
      completionCandidates = PresetConverter.Names.class,
      paramLabel = "tiny|cpu|paper",
      description = "Network size and schedule; must match the TSN's (default: ${DEFAULT-VALUE}).")
  TsnPreset preset;

  @Option(
      names = "--learning-rate",
      paramLabel = "RATE",
      description = "Adam's learning rate; may change on --resume (default: the preset's).")
  Float learningRate;

  @Option(
      names = "--divergence-factor",
      defaultValue = "" + DivergenceGuard.DEFAULT_FACTOR,
      paramLabel = "F",
      description =
          "Stop when the mean loss over a checkpoint interval exceeds F times the lowest mean of"
              + " the 10 intervals before it (those before a resume included), without saving"
              + " that interval, so --resume (best at a lower --learning-rate, which may change"
              + " on --resume) goes on from before the blow-up; 0: never stop (default:"
              + " ${DEFAULT-VALUE}).")
  double divergenceFactor;

  @Option(
      names = "--anneal-steps",
      paramLabel = "N",
      description =
          "Run the last N steps at a tenth of the learning rate; with --resume and a larger"
              + " --steps, this anneals a finished run; 0: a constant rate (default: the preset's"
              + " share of --steps; cpu: a sixth, 1200 of its 7200; tiny and paper: 0).")
  Integer annealSteps;

  @Option(
      names = "--backbone",
      defaultValue = "tsn",
      paramLabel = "tsn|tsn-tuned|cnn",
      description = "Feature source (default: ${DEFAULT-VALUE}).")
  String backbone;

  @Option(
      names = "--channel-orders",
      defaultValue = "1",
      paramLabel = "1-6",
      description =
          "Each training class also stands for N - 1 classes of its images with the colour"
              + " channels reordered (GBR, BRG, RBG, BGR, GRB): N times the classes from the same"
              + " images (default: ${DEFAULT-VALUE}).")
  int channelOrders;

  @Option(
      names = "--schedule",
      defaultValue = "constant",
      paramLabel = "constant|cosine",
      description =
          "How the learning rate moves before the anneal: constant, or half a cosine down to a"
              + " tenth of it over this run's --steps; may change on --resume (default:"
              + " ${DEFAULT-VALUE}).")
  HashPreset.Schedule schedule;

  @Option(
      names = "--pooling",
      paramLabel = "mean|mean_std|gram|gem",
      description =
          "How the fused maps become the descriptor: the paper's global mean, each channel's"
              + " mean and standard deviation, the channels' Gram matrix (D x D second"
              + " moments, signed square root; D defaults to "
              + HashPreset.GRAM_DIMS
              + "), or the generalised mean of power 3 (GeM) (default: the preset's; cpu:"
              + " mean_std, tiny and paper: mean).")
  GlobalPool.Kind pooling;

  @Option(
      names = "--batch-size",
      paramLabel = "N",
      description =
          "Training crops per step, 2 to "
              + HashPreset.MAX_BATCH_SIZE
              + "; fixed for a run, as it decides the order of the crops (default: the preset's;"
              + " cpu: 32).")
  Integer batchSize;

  @Option(
      names = "--cnn-depth",
      defaultValue = "1",
      paramLabel = "N",
      description =
          "Conv units per level of the cnn backbone, 1 to "
              + PlainCnn.MAX_DEPTH
              + ": more capacity, slower steps and encoding (default: ${DEFAULT-VALUE}, the"
              + " paper's baseline).")
  int cnnDepth;

  @Option(
      names = "--cnn-width",
      defaultValue = "1",
      paramLabel = "W",
      description =
          "The cnn backbone's channels as a multiple of the preset's (cpu: 32, 64, 128, 128),"
              + " 0.5 to "
              + HashPreset.MAX_CNN_WIDTH
              + ": more capacity per level; training and encoding cost about W^2 times more"
              + " multiply-adds (default: ${DEFAULT-VALUE}, the paper's baseline).")
  float cnnWidth;

  @Option(
      names = "--descriptor-dims",
      paramLabel = "D",
      description =
          "The last fusion conv's channels D, a multiple of 8 from 16 to 2048 (with --pooling"
              + " gram at most "
              + HashPreset.MAX_GRAM_DIMS
              + "): the hash layer reads D values (2D, D^2 by the pooling); set it to keep a"
              + " wider --cnn-width's head (and file) small (default: twice the coarsest tap's"
              + " channels, cpu, width 1: 256; with --pooling gram "
              + HashPreset.GRAM_DIMS
              + "). A longer D scored higher on vistex, most on the tsn backbone (1024: +0.040, two"
              + " seeds), for a larger file and slower encoding (docs/RESULTS.md).")
  Integer descriptorDims;

  @Option(
      names = "--cnn-stem",
      defaultValue = "rgb",
      paramLabel = "rgb|signs|signs-1x1",
      description =
          "What the cnn backbone's first layer reads: the colour, or the colour and 16 soft"
              + " local-sign channels (the differences LBP thresholds, at radius 1 and 2; fixed,"
              + " no parameters), all through its 5x5 convolution (signs: about twice the"
              + " multiply-adds of rgb) or the signs through a 1x1 one (signs-1x1: about 1.1x)"
              + " (default: ${DEFAULT-VALUE}, the paper's baseline).")
  String cnnStem;

  @Option(
      names = "--crops",
      defaultValue = "plain",
      paramLabel = "plain|views|relit",
      description =
          "A supervised slot's pixels: plain random crops (the paper's), views as a user's photo"
              + " might show them (slightly rescaled, rotated, mirrored, relit, blurred or"
              + " JPEG-compressed), or relit views (the same, with brightness and contrast 0.6x to"
              + " 1.4x). May change on --resume, to fine-tune a run on views"
              + " (default: ${DEFAULT-VALUE}).")
  TrainingCrops crops;

  @Option(
      names = "--crop-size",
      paramLabel = "N",
      description =
          "Train on N x N crops instead of the preset's S x S (cpu: 64): a step costs less (32 on"
              + " cpu: about a third), and the exported encoder still reads S x S patches. Finish"
              + " with a leg at S (--resume --crop-size S) so batch norm sees the exported size. A"
              + " multiple of 2^(levels + 1) (cpu: 16, 32, 48, 64); needs --no-augmentation and no"
              + " --teacher; may change on --resume (default: S).")
  Integer cropSize;

  @Option(
      names = "--teacher",
      paramLabel = "FILE.onnx",
      description =
          "Distil: train the network to give this encoder's outputs (same --bits and patch size)"
              + " instead of the objective's loss; e.g. the run itself exported with --views 4, so"
              + " that one view does the work of four. May be added on --resume.")
  Path teacher;

  @Option(
      names = "--quantisation-weight",
      paramLabel = "W",
      description =
          "Weight of the quantisation term ||u - sign(u)||^2, which pulls the outputs to +-1 so"
              + " that their signs keep what the objective learned; may change on --resume"
              + " (default: the objective's, dsdh 0.5, the others 0.1).")
  Float quantisationWeight;

  @Option(
      names = "--straight-through",
      description =
          "The classifier reads the codes sign(u) instead of u (backward through sqrt(K)"
              + " u/|u|), so the loss scores the codes the index compares (dhcq and cosine"
              + " objectives); may be switched on or off on --resume.")
  boolean straightThrough;

  @Option(
      names = "--cosine-scale",
      paramLabel = "S",
      description =
          "The cosine objective's logits are S times the cosines (an inverse temperature, 1 to"
              + " 128; default: ${DEFAULT-VALUE}).")
  float cosineScale = Objective.COSINE_SCALE;

  @Option(
      names = "--cosine-margin",
      paramLabel = "M",
      description =
          "The cosine objective lowers the true class's cosine by M before the softmax (0 to 1;"
              + " default: ${DEFAULT-VALUE}).")
  float cosineMargin = Objective.COSINE_MARGIN;

  @Option(
      names = "--weight-decay",
      paramLabel = "W",
      description =
          "Decoupled weight decay (AdamW): every step each conv and dense weight shrinks by"
              + " learning rate x W of itself (0 to 1, 0: plain Adam; default: the preset's; cpu:"
              + " 1, tiny and paper: 0); may change on --resume.")
  Float weightDecay;

  @Option(
      names = "--weight-average",
      paramLabel = "D",
      description =
          "Export an exponential moving average of the weights, D of it kept at each step (0.9 to"
              + " below 1, e.g. 0.999 for about the last 1,000 steps; default: ${DEFAULT-VALUE},"
              + " the last step's weights); may change on --resume.")
  float weightAverage = HashPreset.NO_AVERAGE;

  @Option(
      names = "--dropout",
      paramLabel = "P",
      description =
          "Zero a random P of the fused descriptor's values in each training crop, before the hash"
              + " layer (0 to 0.9; default: ${DEFAULT-VALUE}, none; the export never drops); may"
              + " change on --resume.")
  float dropout = 0f;

  @Option(
      names = "--proxy-synthesis",
      paramLabel = "ALPHA",
      description =
          "With the cosine objective, add to each batch as many synthetic classes as crops, each"
              + " between two crops of different classes with a Beta(ALPHA, ALPHA) weight (Proxy"
              + " Synthesis: room between the training classes for unseen ones; 0.05 to "
              + HashPreset.MAX_PROXY_SYNTHESIS
              + ", e.g. 0.4; default: ${DEFAULT-VALUE}, none); may change on --resume.")
  float proxySynthesis = 0f;

  @Option(
      names = "--projection-head",
      paramLabel = "WIDTH",
      description =
          "The classifier reads the codes through two dense layers WIDTH wide (a ReLU between)"
              + " that the export drops, so the layers the training classes shape most are not"
              + " searched (16 to "
              + HashPreset.MAX_PROJECTION_HEAD
              + ", e.g. 256; dhcq and cosine objectives; default: ${DEFAULT-VALUE}, none).")
  int projectionHead = 0;

  @Option(
      names = "--source-balance",
      paramLabel = "T",
      description =
          "Train the classes of a texture-pool source of n classes (n_max / n)^T times as often"
              + " as those of the largest source: 1 sees every source as often, 0 every class"
              + " (0 to 1, e.g. 0.5; default: ${DEFAULT-VALUE}).")
  float sourceBalance = 0f;

  @Option(
      names = "--sharpness-radius",
      paramLabel = "RHO",
      description =
          "Sharpness-aware steps (SAM): take each step's gradient RHO uphill of the weights, along"
              + " their gradient, so training settles where the loss is low all around; a step"
              + " costs two forward and backward passes (0 to "
              + HashPreset.MAX_SHARPNESS_RADIUS
              + ", e.g. 0.05; may change on --resume; default: ${DEFAULT-VALUE}, plain steps).")
  float sharpnessRadius = 0f;

  @Option(
      names = "--backbone-rate",
      paramLabel = "F",
      description =
          "The backbone (G's maps under tsn-tuned, the conv layers under cnn) learns and decays at"
              + " F times the head's rate: fine-tunes a trained G instead of retraining it ("
              + HashPreset.MIN_BACKBONE_RATE
              + " to 1, e.g. 0.1; may change on --resume; default: ${DEFAULT-VALUE}, one rate).")
  float backboneRate = 1f;

  @Option(names = "--no-attention", description = "Ablation: no channel-wise attention.")
  boolean noAttention;

  @Option(
      names = "--no-augmentation",
      description =
          "Ablation: no crops of G's expansions among the training patches (the cnn backbone has"
              + " them only when --tsn is given). With every G measured so far the codes were"
              + " better without them (vistex: 0.920 against 0.849, docs/RESULTS.md).")
  boolean noAugmentation;

  @Mixin SharedOptions.EncoderOut encoderOut;

  @Option(
      names = "--views",
      defaultValue = "1",
      paramLabel = "1|2|4|8",
      description =
          "The exported encoder averages its outputs over this many flipped/turned views of each"
              + " patch (see 'texhash train views'; default: ${DEFAULT-VALUE}).")
  int views;

  @Option(
      names = "--work",
      paramLabel = "DIR",
      description = "Checkpoints and loss curves (default: next to --out).")
  Path work;

  @Option(
      names = "--steps",
      paramLabel = "N",
      description =
          "Total training steps (default: the preset's; cpu: 7200, tiny: 30, paper: 20000).")
  Integer steps;

  @Option(
      names = "--resume",
      description =
          "Continue from the latest checkpoint in WORK (same options but --steps and"
              + " --anneal-steps).")
  boolean resume;

  @Option(
      names = "--seed",
      defaultValue = "1",
      paramLabel = "N",
      description = "Seed of initialisation and batches (default: ${DEFAULT-VALUE}).")
  long seed;

  @Mixin SharedOptions.SplitSeed splitSeed;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    System.setProperty("java.awt.headless", "true");
    Path out = encoderOut.checked(spec, teacher);
    HashOptions options;
    DivergenceGuard guard;
    try {
      ViewAveraging.requireCount(views);
      guard = DivergenceGuard.of(divergenceFactor);
      options = options(presetFromFlags());
      if (teacher != null) {
        // before the data loads: a wrong teacher is a usage error, found in a second
        Distillation.open(teacher, bits, preset.patchSize()).close();
      }
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    } catch (IOException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "cannot read the teacher " + teacher + ": " + e.getMessage());
    }
    PrintStream progress = System.err;
    progress.printf(
        Locale.ROOT,
        "train hash: loading %s under %s (split seed %d)%n",
        data,
        protocol,
        splitSeed.value);
    DatasetSplit split = Protocols.load(protocol, data, splitSeed.value);
    HashPreset p = options.preset();
    TrainingSlots slots =
        new TrainingSlots(
            split.trainRegions(),
            options.cropSize(),
            p.realPerClass(),
            options.augmentation() ? p.augPerClass() : 0,
            p.batchSize(),
            seed,
            p.channelOrders(),
            p.sourceBalance());
    try (HashTrainer t =
        new HashTraining(workDir(out), progress, guard).run(options, slots, resume)) {
      String id = t.export(out, trainingData(slots), views);
      spec.commandLine()
          .getOut()
          .printf(
              Locale.ROOT,
              "trained %s for %d steps in %.0f s; wrote %s (model id %s)%n",
              options.tag(),
              t.step(),
              t.seconds(),
              out,
              id);
    }
    return ExitCode.OK;
  }

  /** The preset with every setting the command line gives; throws on a value out of range. */
  private HashPreset presetFromFlags() {
    HashPreset p = HashPreset.of(preset.name());
    if (learningRate != null) {
      p = p.withLearningRate(learningRate);
    }
    if (quantisationWeight != null) {
      p = p.withQuantisationWeight(quantisationWeight);
    }
    if (batchSize != null) {
      p = p.withBatchSize(batchSize);
    }
    if (weightDecay != null) {
      p = p.withWeightDecay(weightDecay);
    }
    if (annealSteps != null) {
      p = p.withAnnealSteps(annealSteps);
    } else if (steps != null) {
      // the preset's anneal is planned for its own length: a shorter run would refuse it
      p = p.withAnnealScaledTo(steps);
    }
    if (pooling != null) {
      p = p.withPooling(pooling);
    }
    return p.withStraightThrough(straightThrough)
        .withCosineScale(cosineScale)
        .withCosineMargin(cosineMargin)
        .withSharpnessRadius(sharpnessRadius)
        .withBackboneRate(backboneRate)
        .withWeightAverage(weightAverage)
        .withDropout(dropout)
        .withProxySynthesis(proxySynthesis)
        .withSchedule(schedule)
        .withChannelOrders(channelOrders)
        .withCnnDepth(cnnDepth)
        .withCnnWidth(cnnWidth)
        .withDescriptorDims(descriptorDims == null ? HashPreset.TAPS_DIMS : descriptorDims)
        .withCnnStem(PlainCnn.Stem.of(cnnStem))
        .withProjectionHead(projectionHead)
        .withSourceBalance(sourceBalance);
  }

  private HashOptions options(HashPreset p) {
    BackboneKind kind = BackboneKind.of(backbone);
    // the plain CNN reads no G, so it augments only when one is given: the paper's TSN
    // augmentation on the baseline
    boolean augmentation = !noAugmentation && (kind.readsTsn() || tsn != null);
    return new HashOptions(
        p,
        objective,
        kind,
        bits,
        !noAttention,
        augmentation,
        steps == null ? p.defaultSteps() : steps,
        seed,
        tsn,
        crops,
        cropSize == null ? preset.patchSize() : cropSize,
        teacher);
  }

  /** {@code --work}, or {@code OUT.training} beside the encoder. */
  private Path workDir(Path out) {
    return work != null
        ? work
        : out.resolveSibling(
            out.getFileName().toString().replaceFirst("\\.onnx$", "") + ".training");
  }

  /** What the export records about the training data (names only, no machine paths). */
  private Map<String, String> trainingData(TrainingSlots slots) {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("dataset", data.toAbsolutePath().normalize().getFileName().toString());
    d.put("protocol", protocol);
    d.put("split_seed", Long.toString(splitSeed.value));
    d.put("classes", Integer.toString(slots.classes()));
    if (tsn != null) {
      d.put("tsn", tsn.toAbsolutePath().normalize().getFileName().toString());
    }
    return d;
  }
}
