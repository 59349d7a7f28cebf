package org.texhash.trainer.hashing;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import org.texhash.indexer.encoder.OnnxEncoder;
import org.texhash.trainer.nn.AtomicFiles;
import org.texhash.trainer.nn.ResumableAdam;
import org.texhash.trainer.nn.SharpnessAscent;
import org.texhash.trainer.nn.WeightAverage;
import org.texhash.trainer.onnx.EncoderExport;
import org.texhash.trainer.onnx.ViewAveraging;
import org.texhash.trainer.tsn.TsnModel;
import org.texhash.trainer.tsn.TsnPreset;

/**
 * Stage-2 training, one step at a time, with exact checkpoints: the network (with the tsn-tuned
 * backbone, G's trained copy too; a frozen G is not saved with it), Adam's state, the weights'
 * moving average when there is one, the training set's U, B and W, and the step.
 */
public final class HashTrainer implements AutoCloseable {
  static final String STATE_FILE = "state.properties";
  static final String NETWORK_FILE = "network.params";
  static final String ADAM_FILE = "adam.bin";
  static final String CODES_FILE = "codes.bin";
  static final String AVERAGE_FILE = "average.bin";

  /** The checkpoint key (and, prefixed, the export metadata key) of G's fingerprint. */
  static final String TSN_DIGEST_KEY = "tsn_generator";

  /** The loss terms of one step. */
  public record StepLosses(float total, float main, float quantisation) {
    public boolean finite() {
      return Float.isFinite(total) && Float.isFinite(main) && Float.isFinite(quantisation);
    }

    @Override
    public String toString() {
      return String.format(
          Locale.ROOT, "loss %.4f (main %.4f, quantisation %.4f)", total, main, quantisation);
    }
  }

  private final HashOptions options;
  private final TrainingSlots slots;
  private final TsnModel tsn; // null without a TSN
  private final String tsnDigest; // G as loaded, before any tuning; null without a TSN
  private final TsnModel tunedTsn; // a copy of G that trains with the head, or null
  private final NDManager manager;
  private final ParameterStore store;
  private final HashNetwork network;
  private final int descriptorDims;
  private final ResumableAdam adam;
  private final ToDoubleFunction<Parameter> rateScale; // the backbone's share of the rate
  private final WeightAverage average; // what encode and export use; null: the trained weights
  private final DiscreteCodes codes;
  private final int patchSize;
  private final ViewAugmentation views; // the label-free objective's pairs
  private final ViewAugmentation crops; // a supervised slot's pixels; null for plain crops
  private final Distillation distillation; // null without a teacher
  private long step;
  private double seconds;

  private HashTrainer(HashOptions options, TrainingSlots slots) throws IOException {
    this.options = options;
    this.slots = slots;
    this.tsn = options.tsn() == null ? null : TsnModel.loadGenerator(options.tsn());
    this.tsnDigest = tsn == null ? null : tsn.generatorDigest();
    TsnPreset tp = tsn == null ? TsnPreset.of(options.preset().name()) : tsn.preset();
    if (!tp.name().equals(options.preset().name())) {
      close();
      throw new IllegalArgumentException(
          "the TSN in "
              + options.tsn()
              + " is preset "
              + tp.name()
              + ", this run asks for "
              + options.preset().name());
    }
    patchSize = tp.patchSize();
    views = new ViewAugmentation(options.cropSize());
    crops = options.crops().views(options.cropSize());
    try {
      distillation =
          options.teacher() == null
              ? null
              : Distillation.open(options.teacher(), options.bits(), patchSize);
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
    Engine engine = Engine.getEngine(TsnModel.ENGINE);
    engine.setRandomSeed((int) (options.seed() ^ (options.seed() >>> 32)));
    manager = engine.newBaseManager();
    store = new ParameterStore(manager, false);
    // with augmentation the tuned backbone trains a copy of G, so the G that expands patches
    // stays as trained; without it the one G loaded is enough
    tunedTsn =
        options.backbone() == BackboneKind.TUNED_TSN && options.augmentation()
            ? TsnModel.loadGenerator(options.tsn())
            : null;
    Backbone backbone =
        switch (options.backbone()) {
          case TSN -> new TsnTaps(tsn.generator());
          case TUNED_TSN -> new TunedTsnTaps((tunedTsn != null ? tunedTsn : tsn).generator());
          case CNN -> PlainCnn.of(options.preset(), tp);
        };
    descriptorDims = options.preset().descriptorDims(backbone.tapChannels());
    network =
        HashNetwork.builder()
            .backbone(backbone)
            .bits(options.bits())
            .classes(slots.classes())
            .dims(descriptorDims)
            .attentionKernel(options.attention() ? options.preset().attentionKernel() : 0)
            .pooling(options.preset().pooling())
            .cosineClassifier(options.objective().cosineClassifier())
            .projectionHead(options.preset().projectionHead())
            .build();
    network.initialize(manager, DataType.FLOAT32, new Shape(1, 3, patchSize, patchSize));
    adam = new ResumableAdam(options.preset().learningRate(), 0.9f, 0.999f, 1e-8f);
    rateScale = backboneRateScale(backbone, options.preset().backboneRate());
    float decay = options.preset().weightAverage();
    average = decay == HashPreset.NO_AVERAGE ? null : new WeightAverage(decay);
    // DSDH's B-step sets each bit to sign(W_y - ... + (eta / mu) u). Fitted on +-1 codes, W's
    // entries are about 1 / C, so with mu = eta (Li et al.'s CIFAR-10 setting) U outweighs the
    // classifier whenever C is large (B = sign(U) on 99.6% of bits at C = 325). mu = 4 C eta keeps
    // the class term ahead of U at any C, so B becomes codes the classifier separates.
    double eta = options.quantisationWeight();
    codes =
        new DiscreteCodes(
            slots.labels(),
            slots.classes(),
            options.bits(),
            4.0 * slots.classes() * eta,
            1,
            eta,
            options.seed());
  }

  /** Each parameter's share of the step's rate: {@code fraction} for the backbone's, else 1. */
  private static ToDoubleFunction<Parameter> backboneRateScale(Backbone backbone, float fraction) {
    if (fraction == 1f || !(backbone instanceof Block trained)) {
      return param -> 1.0; // HashOptions refuses a fraction for a backbone that does not train
    }
    Set<Parameter> slow = Collections.newSetFromMap(new IdentityHashMap<>());
    trained.getParameters().values().forEach(slow::add);
    return param -> slow.contains(param) ? fraction : 1.0;
  }

  public static HashTrainer create(HashOptions options, TrainingSlots slots) throws IOException {
    return new HashTrainer(options, slots);
  }

  public HashOptions options() {
    return options;
  }

  public HashNetwork network() {
    return network;
  }

  public DiscreteCodes codes() {
    return codes;
  }

  public TrainingSlots slots() {
    return slots;
  }

  public long step() {
    return step;
  }

  public double seconds() {
    return seconds;
  }

  void addSeconds(double s) {
    seconds += s;
  }

  public int patchSize() {
    return patchSize;
  }

  /**
   * One Adam step on the batch of the current step (against the teacher's outputs when there is
   * one; with a sharpness radius, by the gradient taken that far uphill); then, for DSDH on
   * schedule, W and B. The losses returned are those at the weights the step starts from.
   */
  public StepLosses trainStep() {
    TrainingSlots.Batch batch =
        options.objective().labelFree() ? slots.pairs(step, views) : slots.batch(step, crops);
    Engine engine = manager.getEngine();
    StepLosses losses;
    try (NDManager scope = manager.newSubManager()) {
      NDArray x = inputs(scope, batch);
      NDArray targets = distillation == null ? null : distillation.targets(x);
      NDList in = inputsWithDropout(scope, x);
      try (GradientCollector gc = engine.newGradientCollector()) {
        Objective.Terms t = forwardLoss(in, batch, targets, true);
        gc.backward(t.total());
        losses =
            new StepLosses(t.total().getFloat(), t.main().getFloat(), t.quantisation().getFloat());
      }
      float rho = options.preset().sharpnessRadius();
      if (rho > 0) { // SAM: descend from here along the gradient taken rho uphill
        try (SharpnessAscent.Perturbation uphill = SharpnessAscent.perturb(network, rho);
            GradientCollector gc = engine.newGradientCollector()) {
          gc.backward(forwardLoss(in, batch, targets, false).total());
        }
      }
      adam.step(
          network,
          options.preset().learningRateAt(step, options.steps()),
          options.preset().weightDecay(),
          rateScale);
    }
    if (average != null) {
      average.update(network);
    }
    step++;
    if (options.objective() == Objective.DSDH && step % options.preset().codeUpdates() == 0) {
      codes.updateClassifier();
      codes.updateCodes(1);
    }
    return losses;
  }

  /**
   * The network's outputs on {@code in} and this step's loss terms; {@code remember}: DSDH's U
   * takes these outputs (once per step, at the weights the step starts from).
   */
  private Objective.Terms forwardLoss(
      NDList in, TrainingSlots.Batch batch, NDArray targets, boolean remember) {
    NDList out = network.forward(store, in, true);
    NDArray u = out.get(0);
    if (remember) {
      codes.remember(batch.slots(), u.toFloatArray());
    }
    NDArray logits =
        options.preset().straightThrough()
            ? network.classify(store, Objective.signStraightThrough(u), true)
            : out.get(1);
    return loss(u, logits, batch.slots(), targets);
  }

  /** This step's loss terms: against the teacher's outputs, else the objective's. */
  private Objective.Terms loss(NDArray u, NDArray logits, int[] slots, NDArray targets) {
    if (targets != null) {
      return Distillation.loss(u, targets, options.quantisationWeight());
    }
    if (options.preset().proxySynthesis() > 0f) {
      return withSyntheticClasses(u, slots);
    }
    return options
        .objective()
        .loss(
            u,
            logits,
            slots,
            codes,
            options.quantisationWeight(),
            options.preset().cosineScale(),
            options.preset().cosineMargin());
  }

  /** The cosine objective over the batch and as many synthetic classes ({@link ProxySynthesis}). */
  private Objective.Terms withSyntheticClasses(NDArray u, int[] slots) {
    int[] labels = new int[slots.length];
    for (int i = 0; i < slots.length; i++) {
      labels[i] = codes.label(slots[i]);
    }
    ProxySynthesis.Mix mix =
        ProxySynthesis.draw(
            labels,
            options.preset().proxySynthesis(),
            new Random(TrainingSlots.mix(options.seed() ^ 0x5e7a1L, step)));
    ProxySynthesis.Logits l =
        ProxySynthesis.logits(
            HashNetwork.unitRows(u), network.unitClassRows(store, u, true), labels, mix);
    return Objective.cosineTerms(
        u,
        l.logits(),
        l.truth(),
        options.quantisationWeight(),
        options.preset().cosineScale(),
        options.preset().cosineMargin());
  }

  /** The network's inputs for this step: x, and the step's dropout mask when the preset asks. */
  private NDList inputsWithDropout(NDManager scope, NDArray x) {
    float p = options.preset().dropout();
    if (p == 0f) {
      return new NDList(x);
    }
    int n = (int) x.getShape().get(0);
    float[] mask =
        network.dropoutMask(n, p, new Random(TrainingSlots.mix(options.seed() ^ 0xd4095L, step)));
    return new NDList(x, scope.create(mask, new Shape(n, mask.length / n)));
  }

  /**
   * The batch's pixels; augmented slots get a random S x S crop of G's expansion of their patch.
   */
  private NDArray inputs(NDManager scope, TrainingSlots.Batch batch) {
    int n = batch.size();
    int side = options.cropSize();
    NDArray x = scope.create(batch.inputs(), new Shape(n, 3, side, side));
    List<Integer> aug = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (batch.augmented()[i]) {
        aug.add(i);
      }
    }
    if (aug.isEmpty() || !options.augmentation()) {
      return x;
    }
    NDList chosen = new NDList();
    aug.forEach(i -> chosen.add(x.get(i)));
    NDArray expanded =
        tsn.generator().forwardWithMaps(tsn.store(), NDArrays.stack(chosen), false).output();
    NDList rows = new NDList();
    int a = 0;
    for (int i = 0; i < n; i++) {
      if (batch.augmented()[i]) {
        int ox = batch.offsetX()[i];
        int oy = batch.offsetY()[i];
        rows.add(
            expanded.get(
                new NDIndex("{}, :, {}:{}, {}:{}", a++, oy, oy + patchSize, ox, ox + patchSize)));
      } else {
        rows.add(x.get(i));
      }
    }
    return NDArrays.stack(rows);
  }

  /**
   * Continuous codes of {@code [N, 3, S, S]} inputs in inference mode, by the weights the export
   * writes.
   */
  public float[] encode(float[] inputs, int n) {
    return withExportedWeights(
        () -> {
          try (NDManager scope = manager.newSubManager()) {
            return network
                .codes(store, scope.create(inputs, new Shape(n, 3, patchSize, patchSize)), false)
                .toFloatArray();
          }
        });
  }

  /** Runs {@code task} on the weights an encoder gets: the moving average when there is one. */
  private <T, E extends Exception> T withExportedWeights(WeightAverage.Task<T, E> task) throws E {
    return average == null ? task.run() : average.withAverages(network, task);
  }

  /** Writes the encoder under the contract; returns its model id. */
  public String export(Path file, Map<String, String> trainingData) throws IOException {
    return export(file, trainingData, 1);
  }

  /**
   * Writes the encoder, averaged over {@code views} flipped/transposed views of each patch ({@link
   * ViewAveraging}), under the contract; returns its model id.
   */
  public String export(Path file, Map<String, String> trainingData, int views) throws IOException {
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put(OnnxEncoder.META_OBJECTIVE, options.objective().id());
    meta.put(OnnxEncoder.META_BACKBONE, options.backbone().id());
    meta.put("texhash.preset", options.preset().name());
    meta.put("texhash.learning_rate", Float.toString(options.preset().learningRate()));
    meta.put("texhash.pooling", options.preset().pooling().name().toLowerCase(Locale.ROOT));
    meta.put("texhash.anneal_steps", Integer.toString(options.preset().annealSteps()));
    meta.put("texhash.cnn_depth", Integer.toString(options.preset().cnnDepth()));
    meta.put("texhash.batch_size", Integer.toString(options.preset().batchSize()));
    meta.put("texhash.cnn_stem", options.preset().cnnStem().id());
    meta.put("texhash.cnn_width", Float.toString(options.preset().cnnWidth()));
    meta.put("texhash.descriptor_dims", Integer.toString(descriptorDims));
    meta.put("texhash.attention", Boolean.toString(options.attention()));
    meta.put(
        "texhash.augmentation", Boolean.toString(options.augmentation() && options.tsn() != null));
    meta.put("texhash.steps", Long.toString(step));
    meta.put("texhash.crop_size", Integer.toString(options.cropSize()));
    meta.put("texhash.quantisation_weight", Double.toString(options.quantisationWeight()));
    meta.put("texhash.straight_through", Boolean.toString(options.preset().straightThrough()));
    meta.put("texhash.schedule", options.preset().schedule().id());
    meta.put("texhash.channel_orders", Integer.toString(options.preset().channelOrders()));
    meta.put("texhash.weight_decay", Float.toString(options.preset().weightDecay()));
    meta.put("texhash.weight_average", Float.toString(options.preset().weightAverage()));
    meta.put("texhash.dropout", Float.toString(options.preset().dropout()));
    meta.put("texhash.proxy_synthesis", Float.toString(options.preset().proxySynthesis()));
    meta.put("texhash.projection_head", Integer.toString(options.preset().projectionHead()));
    meta.put("texhash.source_balance", Float.toString(options.preset().sourceBalance()));
    meta.put("texhash.sharpness_radius", Float.toString(options.preset().sharpnessRadius()));
    meta.put("texhash.backbone_rate", Float.toString(options.preset().backboneRate()));
    if (options.objective() == Objective.COSINE) {
      meta.put("texhash.cosine_scale", Float.toString(options.preset().cosineScale()));
      meta.put("texhash.cosine_margin", Float.toString(options.preset().cosineMargin()));
    }
    meta.put("texhash.seed", Long.toString(options.seed()));
    if (tsnDigest != null) {
      meta.put("texhash." + TSN_DIGEST_KEY, tsnDigest);
    }
    if (distillation != null) {
      meta.put("texhash.teacher", distillation.teacherId());
    }
    trainingData.forEach((k, v) -> meta.put("texhash.training." + k, v));
    meta.put(EncoderExport.META_VIEWS, Integer.toString(views));
    return withExportedWeights(
        () ->
            EncoderExport.write(
                file,
                new ViewAveraging(network, views, options.bits()),
                patchSize,
                options.bits(),
                ViewAveraging.idPrefix(options.tag(), views),
                meta));
  }

  // ---- checkpoints ----

  public void saveCheckpoint(Path dir) throws IOException {
    Files.createDirectories(dir);
    AtomicFiles.write(
        dir.resolve(NETWORK_FILE), out -> network.saveParameters(new DataOutputStream(out)));
    AtomicFiles.write(dir.resolve(ADAM_FILE), out -> adam.save(new DataOutputStream(out)));
    if (average != null) {
      AtomicFiles.write(dir.resolve(AVERAGE_FILE), out -> average.save(new DataOutputStream(out)));
    }
    AtomicFiles.write(
        dir.resolve(CODES_FILE),
        out -> {
          DataOutputStream d = new DataOutputStream(out);
          codes.save(d);
          d.flush();
        });
    Properties p = options.toProperties();
    p.setProperty("step", Long.toString(step));
    p.setProperty("seconds", String.format(Locale.ROOT, "%.1f", seconds));
    if (tsnDigest != null) {
      p.setProperty(TSN_DIGEST_KEY, tsnDigest);
    }
    AtomicFiles.writeProperties(
        dir.resolve(STATE_FILE), p, "stage-2 training checkpoint"); // last: marks it complete
  }

  /**
   * A TSN folder that a G training run has since written to would resume this run on other maps
   * than it trained on, without an error; checkpoints from before the key existed are let through.
   */
  private void requireSameTsn(String savedDigest, Path checkpoint) {
    if (savedDigest != null && tsnDigest != null && !savedDigest.equals(tsnDigest)) {
      close();
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "cannot resume: %s was trained on the G with fingerprint %s, but %s now holds G %s"
                  + " (trained on since?); point --tsn at a copy of the G the run started with,"
                  + " or start a new run",
              checkpoint,
              savedDigest,
              options.tsn(),
              tsnDigest));
    }
  }

  public static boolean isCheckpoint(Path dir) {
    return Files.isRegularFile(dir.resolve(STATE_FILE));
  }

  public static HashTrainer restore(Path dir, HashOptions options, TrainingSlots slots)
      throws IOException {
    if (!isCheckpoint(dir)) {
      throw new IllegalArgumentException("not a complete stage-2 checkpoint: " + dir);
    }
    Properties p = AtomicFiles.readProperties(dir.resolve(STATE_FILE));
    options.requireCompatible(p);
    HashTrainer t = create(options, slots);
    t.requireSameTsn(p.getProperty(TSN_DIGEST_KEY), dir);
    try (InputStream in =
        new BufferedInputStream(Files.newInputStream(dir.resolve(NETWORK_FILE)))) {
      t.network.loadParameters(t.manager, new DataInputStream(in));
      for (var param : t.network.getParameters()) {
        if (param.getValue().requiresGradient()) {
          param.getValue().getArray().setRequiresGradient(true);
        }
      }
    } catch (ai.djl.MalformedModelException e) {
      t.close();
      throw new IOException("cannot read " + dir.resolve(NETWORK_FILE) + ": " + e.getMessage(), e);
    }
    try (InputStream in = new BufferedInputStream(Files.newInputStream(dir.resolve(ADAM_FILE)))) {
      t.adam.load(new DataInputStream(in), t.manager);
    }
    try (InputStream in = new BufferedInputStream(Files.newInputStream(dir.resolve(CODES_FILE)))) {
      t.codes.load(new DataInputStream(in));
    }
    // a run that starts averaging at this resume has no average yet: it starts from these weights
    Path averageFile = dir.resolve(AVERAGE_FILE);
    if (t.average != null && Files.isRegularFile(averageFile)) {
      try (InputStream in = new BufferedInputStream(Files.newInputStream(averageFile))) {
        t.average.load(new DataInputStream(in), t.manager);
      }
    }
    t.step = Long.parseLong(p.getProperty("step"));
    t.seconds = Double.parseDouble(p.getProperty("seconds", "0"));
    return t;
  }

  @Override
  public void close() {
    if (manager != null) {
      manager.close();
    }
    if (tsn != null) {
      tsn.close();
    }
    if (tunedTsn != null) {
      tunedTsn.close();
    }
    if (distillation != null) {
      distillation.close();
    }
  }
}
