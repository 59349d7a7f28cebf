package org.texhash.trainer.hashing;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.texhash.trainer.nn.GlobalPool;
import org.texhash.trainer.tsn.TsnPreset;

/**
 * What a stage-2 run is. {@code tsn} is the folder of a trained G (required for the tsn backbone
 * and for augmentation); batches and parameter initialisation derive from {@code seed}. With a
 * {@code teacher} encoder (an ONNX file, or null) the network learns to give the teacher's outputs
 * instead of the objective's loss ({@link Distillation}). {@code cropSize} is the side of the
 * training crops: the preset's S, or less for cheaper steps (the network is convolutional up to its
 * global pooling, so it trains on smaller crops and still exports for S x S patches).
 */
public record HashOptions(
    HashPreset preset,
    Objective objective,
    BackboneKind backbone,
    int bits,
    boolean attention,
    boolean augmentation,
    int steps,
    long seed,
    Path tsn,
    TrainingCrops crops,
    int cropSize,
    Path teacher) {

  public HashOptions {
    java.util.Objects.requireNonNull(backbone, "backbone");
    java.util.Objects.requireNonNull(crops, "crops");
    if (crops != TrainingCrops.PLAIN && objective.labelFree()) {
      throw new IllegalArgumentException(
          "the " + objective.id() + " objective always trains on views; leave --crops plain");
    }
    if (!java.util.List.of(16, 32, 64, 128, 256).contains(bits)) {
      throw new IllegalArgumentException("bits must be 16, 32, 64, 128 or 256, got " + bits);
    }
    if (steps <= 0) {
      throw new IllegalArgumentException("steps must be > 0, got " + steps);
    }
    if (preset.annealSteps() > steps) {
      throw new IllegalArgumentException(
          "anneal steps (" + preset.annealSteps() + ") cannot exceed steps (" + steps + ")");
    }
    if (preset.cnnDepth() != 1 && backbone != BackboneKind.CNN) {
      throw new IllegalArgumentException(
          "a cnn depth other than 1 needs the cnn backbone, got " + backbone.id());
    }
    if (preset.cnnWidth() != 1f && backbone != BackboneKind.CNN) {
      throw new IllegalArgumentException(
          "a cnn width other than 1 needs the cnn backbone, got " + backbone.id());
    }
    if (preset.cnnStem() != PlainCnn.Stem.RGB && backbone != BackboneKind.CNN) {
      throw new IllegalArgumentException(
          "a cnn stem other than rgb needs the cnn backbone, got " + backbone.id());
    }
    HashPreset.requireDescriptorFits(preset.pooling(), preset.descriptorDims());
    TsnPreset sized = TsnPreset.of(preset.name());
    requireCropSize(cropSize, sized);
    if (cropSize != sized.patchSize() && (augmentation || teacher != null)) {
      // G's expansions are cropped, and the teacher reads, at the exported size S
      throw new IllegalArgumentException(
          "crops smaller than the preset's patch size need --no-augmentation and no --teacher");
    }
    if (objective == Objective.DSDH && preset.quantisationWeight(objective) == 0) {
      // DSDH's B-step weighs the class term against eta u: without eta it has no u to follow
      throw new IllegalArgumentException("the dsdh objective needs a quantisation weight above 0");
    }
    if (preset.straightThrough() && !objective.trainsClassifier()) {
      throw new IllegalArgumentException(
          "--straight-through feeds the codes to the classifier: it needs the dhcq or cosine"
              + " objective, got "
              + objective.id());
    }
    if (preset.proxySynthesis() != 0f
        && (objective != Objective.COSINE || preset.straightThrough() || teacher != null)) {
      throw new IllegalArgumentException(
          "--proxy-synthesis mixes the cosine classifier's weight rows: it needs the cosine"
              + " objective, without --straight-through or --teacher; got "
              + objective.id()
              + (preset.straightThrough() ? " with --straight-through" : "")
              + (teacher != null ? " with --teacher" : ""));
    }
    if (preset.projectionHead() != 0
        && (!objective.trainsClassifier() || preset.proxySynthesis() != 0f)) {
      // DSDH and DPSH fit no network classifier for a head to feed; proxy synthesis mixes the
      // codes themselves against the classifier's rows
      throw new IllegalArgumentException(
          "--projection-head feeds the network's classifier: it needs the dhcq or cosine objective,"
              + " without --proxy-synthesis; got "
              + objective.id()
              + (preset.proxySynthesis() != 0f ? " with --proxy-synthesis" : ""));
    }
    if (objective != Objective.COSINE
        && (preset.cosineScale() != Objective.COSINE_SCALE
            || preset.cosineMargin() != Objective.COSINE_MARGIN)) {
      throw new IllegalArgumentException(
          "--cosine-scale and --cosine-margin shape the cosine objective's softmax; this run's"
              + " objective is "
              + objective.id());
    }
    if (preset.backboneRate() != 1f && backbone == BackboneKind.TSN) {
      // the frozen G has no trained parameters: the setting would silently do nothing
      throw new IllegalArgumentException(
          "--backbone-rate slows a backbone that trains: it needs tsn-tuned or cnn, got tsn (G"
              + " frozen)");
    }
    if (tsn == null && (backbone.readsTsn() || augmentation)) {
      throw new IllegalArgumentException(
          "a trained TSN (--tsn DIR) is needed for the "
              + backbone.id()
              + " backbone and for augmentation");
    }
  }

  /**
   * Crops the network can take: at most S, and a multiple of 2^(downsamplings + 1), so that every
   * level of the backbone and the fusion's last strided unit halve the size exactly.
   */
  private static void requireCropSize(int size, TsnPreset tsn) {
    int unit = 1 << (tsn.downsamplings() + 1);
    if (size < unit || size > tsn.patchSize() || size % unit != 0) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "crop size must be a multiple of %d from %d to %d (the %s preset's patch size), got"
                  + " %d",
              unit,
              unit,
              tsn.patchSize(),
              tsn.name(),
              size));
    }
  }

  /** This run on other crops. */
  public HashOptions withCrops(TrainingCrops other) {
    return withSchedule(other, cropSize, teacher);
  }

  /** This run on {@code size} x {@code size} crops. */
  public HashOptions withCropSize(int size) {
    return withSchedule(crops, size, teacher);
  }

  /** This run distilling {@code encoder}'s outputs (null: the objective's loss). */
  public HashOptions withTeacher(Path encoder) {
    return withSchedule(crops, cropSize, encoder);
  }

  private HashOptions withSchedule(TrainingCrops c, int size, Path t) {
    return new HashOptions(
        preset, objective, backbone, bits, attention, augmentation, steps, seed, tsn, c, size, t);
  }

  /** The weight of the quantisation term in this run's loss. */
  public double quantisationWeight() {
    return preset.quantisationWeight(objective);
  }

  /** A short name for the model id: e.g. {@code tsn-dsdh-64}. */
  public String tag() {
    return backbone.id()
        + "-"
        + objective.id()
        + "-"
        + bits
        + (attention ? "" : "-noca")
        + (augmentation ? "" : "-noaug")
        + poolingTag(preset.pooling())
        + (preset.cnnDepth() == 1 ? "" : "-d" + preset.cnnDepth())
        + (preset.cnnWidth() == 1f ? "" : "-w" + tag(preset.cnnWidth()))
        + (preset.descriptorDims() == HashPreset.TAPS_DIMS ? "" : "-D" + preset.descriptorDims())
        + (preset.cnnStem() == PlainCnn.Stem.RGB ? "" : "-" + preset.cnnStem().id())
        + (preset.straightThrough() ? "-ste" : "")
        + (preset.cosineScale() == Objective.COSINE_SCALE ? "" : "-s" + tag(preset.cosineScale()))
        + (preset.cosineMargin() == Objective.COSINE_MARGIN
            ? ""
            : "-m" + tag(preset.cosineMargin()))
        + (preset.schedule() == HashPreset.Schedule.CONSTANT ? "" : "-" + preset.schedule().id())
        + (preset.weightDecay() == 0f ? "" : "-wd" + tag(preset.weightDecay()))
        + (preset.channelOrders() == 1 ? "" : "-orders" + preset.channelOrders())
        + (preset.weightAverage() == HashPreset.NO_AVERAGE
            ? ""
            : "-ema" + tag(preset.weightAverage()))
        + (preset.dropout() == 0f ? "" : "-drop" + tag(preset.dropout()))
        + (preset.proxySynthesis() == 0f ? "" : "-ps" + tag(preset.proxySynthesis()))
        + (preset.projectionHead() == 0 ? "" : "-head" + preset.projectionHead())
        + (preset.sourceBalance() == 0f ? "" : "-sb" + tag(preset.sourceBalance()))
        + (preset.sharpnessRadius() == 0f ? "" : "-sam" + tag(preset.sharpnessRadius()))
        + (preset.backboneRate() == 1f ? "" : "-br" + tag(preset.backboneRate()))
        + (crops == TrainingCrops.PLAIN ? "" : "-" + crops.id())
        + (teacher == null ? "" : "-distilled");
  }

  /**
   * Nothing for the paper's mean pooling (ids made before the others existed stay as they were).
   */
  private static String poolingTag(GlobalPool.Kind pooling) {
    return switch (pooling) {
      case MEAN -> "";
      case MEAN_STD -> "-meanstd";
      case GRAM -> "-gram";
      case GEM -> "-gem";
    };
  }

  /** 2 for 2.0, 1.5 for 1.5: a setting as a model id shows it. */
  private static String tag(float value) {
    return value == Math.rint(value) ? Integer.toString((int) value) : Float.toString(value);
  }

  Properties toProperties() {
    Properties p = new Properties();
    p.setProperty("preset", preset.name());
    p.setProperty("learning_rate", Float.toString(preset.learningRate()));
    p.setProperty("pooling", preset.pooling().name());
    p.setProperty("anneal_steps", Integer.toString(preset.annealSteps()));
    p.setProperty("cnn_depth", Integer.toString(preset.cnnDepth()));
    p.setProperty("cnn_stem", preset.cnnStem().id());
    p.setProperty("cnn_width", Float.toString(preset.cnnWidth()));
    p.setProperty("descriptor_dims", Integer.toString(preset.descriptorDims()));
    p.setProperty("batch_size", Integer.toString(preset.batchSize()));
    p.setProperty("quantisation_weight", Double.toString(quantisationWeight()));
    p.setProperty("straight_through", Boolean.toString(preset.straightThrough()));
    p.setProperty("cosine_scale", Float.toString(preset.cosineScale()));
    p.setProperty("cosine_margin", Float.toString(preset.cosineMargin()));
    p.setProperty("schedule", preset.schedule().id());
    p.setProperty("weight_decay", Float.toString(preset.weightDecay()));
    p.setProperty("channel_orders", Integer.toString(preset.channelOrders()));
    p.setProperty("weight_average", Float.toString(preset.weightAverage()));
    p.setProperty("dropout", Float.toString(preset.dropout()));
    p.setProperty("proxy_synthesis", Float.toString(preset.proxySynthesis()));
    p.setProperty("projection_head", Integer.toString(preset.projectionHead()));
    p.setProperty("source_balance", Float.toString(preset.sourceBalance()));
    p.setProperty("sharpness_radius", Float.toString(preset.sharpnessRadius()));
    p.setProperty("backbone_rate", Float.toString(preset.backboneRate()));
    p.setProperty("objective", objective.id());
    p.setProperty("backbone", backbone.id());
    p.setProperty("bits", Integer.toString(bits));
    p.setProperty("attention", Boolean.toString(attention));
    p.setProperty("augmentation", Boolean.toString(augmentation));
    p.setProperty("steps", Integer.toString(steps));
    p.setProperty("seed", Long.toString(seed));
    p.setProperty("crops", crops.id());
    p.setProperty("crop_size", Integer.toString(cropSize));
    p.setProperty("teacher", teacher == null ? "none" : teacher.getFileName().toString());
    return p;
  }

  /** The settings a resumed run may change ({@link #requireCompatible}). */
  private static final Set<String> SCHEDULE_KEYS =
      Set.of(
          "steps",
          "learning_rate",
          "quantisation_weight",
          "weight_decay",
          "weight_average",
          "dropout",
          "sharpness_radius",
          "backbone_rate",
          "proxy_synthesis",
          "schedule",
          "straight_through",
          "anneal_steps",
          "crops",
          "crop_size",
          "teacher");

  /**
   * The schedule settings this resumed run changes from the checkpoint's, as {@code key saved ->
   * mine}, so that a setting the command line left to the preset is not changed unseen (the
   * preset's default may not be what the run was started with).
   */
  public List<String> scheduleChanges(Properties saved) {
    Properties mine = toProperties();
    return SCHEDULE_KEYS.stream()
        .sorted()
        .filter(
            k -> saved.getProperty(k) != null && !saved.getProperty(k).equals(mine.getProperty(k)))
        .map(k -> k + " " + saved.getProperty(k) + " -> " + mine.getProperty(k))
        .toList();
  }

  /**
   * The checkpoint must come from the same run. Only the schedule may differ: a resumed run may go
   * on for more steps, at another learning rate (after a {@link DivergenceGuard} stop) or
   * quantisation weight or weight decay or dropout or proxy synthesis or rate schedule or sharpness
   * radius or backbone rate, start or stop averaging the weights, switch the straight-through
   * classifier on or off, end with an anneal it did not plan at the start, go on with other crops
   * (a model trained on plain crops, fine-tuned on views) and go on from a teacher (a model
   * distilled from itself with views averaged).
   */
  void requireCompatible(Properties saved) {
    Properties mine = toProperties();
    Map<String, String> before = settingsBeforeTheirKeys();
    for (String key : mine.stringPropertyNames()) {
      String theirs = saved.getProperty(key);
      if (theirs == null && before.containsKey(key)) {
        theirs = before.get(key); // written before the key existed: made with this value
      }
      if (SCHEDULE_KEYS.contains(key) || mine.getProperty(key).equals(theirs)) {
        continue;
      }
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "cannot resume: the checkpoint's %s is %s, this run asks for %s (resume %s)",
              key,
              theirs,
              mine.getProperty(key),
              optionFor(key, theirs)));
    }
  }

  /** The command-line words that ask for {@code value} of {@code key}, to resume with. */
  private static String optionFor(String key, String value) {
    if (value == null) {
      return "with the command it was started with";
    }
    return switch (key) {
      case "attention" ->
          Boolean.parseBoolean(value) ? "without --no-attention" : "with --no-attention";
      case "augmentation" ->
          Boolean.parseBoolean(value) ? "without --no-augmentation" : "with --no-augmentation";
      case "descriptor_dims" ->
          value.equals(Integer.toString(HashPreset.TAPS_DIMS))
              ? "without --descriptor-dims"
              : "with --descriptor-dims " + value;
      default -> "with --" + key.replace('_', '-') + " " + value.toLowerCase(Locale.ROOT);
    };
  }

  /**
   * What checkpoints written before a key existed were made with: the mean pooling, one conv unit
   * per level reading the colour at width 1, D from the taps, the cosine objective's first scale
   * and margin, the images' own colours, no projection head, no source balance, the preset's batch.
   */
  private Map<String, String> settingsBeforeTheirKeys() {
    return Map.ofEntries(
        Map.entry("pooling", GlobalPool.Kind.MEAN.name()),
        Map.entry("cnn_depth", "1"),
        Map.entry("cnn_stem", PlainCnn.Stem.RGB.id()),
        Map.entry("cnn_width", Float.toString(1f)),
        Map.entry("descriptor_dims", Integer.toString(HashPreset.TAPS_DIMS)),
        Map.entry("cosine_scale", Float.toString(Objective.COSINE_SCALE)),
        Map.entry("cosine_margin", Float.toString(Objective.COSINE_MARGIN)),
        Map.entry("channel_orders", "1"),
        Map.entry("projection_head", "0"),
        Map.entry("source_balance", Float.toString(0f)),
        Map.entry("batch_size", Integer.toString(HashPreset.of(preset.name()).batchSize())));
  }
}
