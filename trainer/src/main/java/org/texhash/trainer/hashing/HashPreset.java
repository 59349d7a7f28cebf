package org.texhash.trainer.hashing;

import java.util.ArrayList;
import java.util.List;
import org.texhash.trainer.nn.GlobalPool;
import org.texhash.trainer.tsn.TsnPreset;

/**
 * How large the stage-2 network is and how it is trained, per TSN preset (the TSN preset fixes S
 * and the taps; the plain CNN copies the tap channels so both backbones feed the same head).
 *
 * @param realPerClass training slots per class holding real patches (a fresh random crop at each
 *     visit)
 * @param augPerClass slots per class holding S x S crops of G's 2S expansion of a real patch
 * @param attentionKernel width of the attention's 1-D filter
 * @param codeUpdates DSDH's B and W are updated every this many steps
 * @param pooling how the fused maps become the descriptor (mean, or mean and deviation)
 * @param annealSteps the last this many steps of a run use a tenth of the learning rate (a final
 *     step decay; 0 keeps the rate constant)
 * @param cnnDepth conv units per level of the plain-CNN backbone ({@link PlainCnn}); 1 is the
 *     paper's baseline
 * @param cnnStem what the plain CNN's stem reads; {@link PlainCnn.Stem#RGB} is the paper's
 * @param cnnWidth the plain CNN's channels as a multiple of the TSN taps' it copies; 1 is the
 *     paper's baseline
 * @param descriptorDims D, the fused descriptor's length before pooling; {@link #TAPS_DIMS} is the
 *     paper's twice the coarsest tap's channels
 * @param straightThrough the classifier reads the codes' signs instead of u, its gradient passed
 *     back through {@code sqrt(K) u / |u|} (a straight-through estimator)
 * @param cosineScale the cosine objective's logit scale (an inverse temperature)
 * @param cosineMargin how much the cosine objective lowers the true class's cosine
 * @param schedule how the rate moves before the anneal (constant, or a cosine down to the annealed
 *     rate)
 * @param weightDecay decoupled weight decay of the conv and dense weights per unit of learning rate
 *     (AdamW; 0 is plain Adam)
 * @param channelOrders how many channel orders each training class is seen in, each a class of its
 *     own (1 is the images as they are)
 * @param weightAverage the decay of an exponential moving average of the weights that the export
 *     uses instead of the last step's ({@link #NO_AVERAGE}: none)
 * @param dropout the fraction of the fused descriptor's values zeroed in each training crop (the
 *     rest scaled up to keep its mean; 0: none; never at export)
 * @param proxySynthesis alpha of the Beta(alpha, alpha) mixing weights of the synthetic classes the
 *     cosine objective adds to each batch ({@link ProxySynthesis}; 0: none)
 * @param projectionHead width of a two-layer head between the codes and the classifier, dropped at
 *     export (0: the classifier reads the codes)
 * @param sourceBalance how far the training slots even out the pool's sources ({@link
 *     TrainingSlots}; 0: every class as often, 1: every source as often)
 * @param sharpnessRadius rho of sharpness-aware steps ({@link
 *     org.texhash.trainer.nn.SharpnessAscent}; 0: plain steps)
 * @param backboneRate the backbone's learning rate (and weight decay) as a fraction of the head's
 *     (1: one rate for the whole network)
 */
public record HashPreset(
    String name,
    int batchSize,
    int realPerClass,
    int augPerClass,
    int defaultSteps,
    float learningRate,
    int attentionKernel,
    int codeUpdates,
    int logEvery,
    int checkpointEvery,
    GlobalPool.Kind pooling,
    int annealSteps,
    int cnnDepth,
    PlainCnn.Stem cnnStem,
    float cnnWidth,
    int descriptorDims,
    float quantisationWeight,
    boolean straightThrough,
    float cosineScale,
    float cosineMargin,
    Schedule schedule,
    float weightDecay,
    int channelOrders,
    float weightAverage,
    float dropout,
    float proxySynthesis,
    int projectionHead,
    float sourceBalance,
    float sharpnessRadius,
    float backboneRate) {

  /** How the learning rate moves over the steps before the anneal. */
  public enum Schedule {
    /** The learning rate throughout. */
    CONSTANT,
    /**
     * Half a cosine from the learning rate down to the annealed rate, over this run's steps: the
     * rate falls slowly at first and last, so most steps run near one of the two.
     */
    COSINE;

    public String id() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** A step decay this deep: the annealed rate is the learning rate over this. */
  public static final float ANNEAL_FACTOR = 10f;

  /** The largest {@link #batchSize} a command line may ask for. */
  public static final int MAX_BATCH_SIZE = 1024;

  /** Widest plain CNN offered: at 2 a patch already costs about 4x the multiply-adds. */
  public static final float MAX_CNN_WIDTH = 4f;

  /** A {@link #descriptorDims} that means: twice the coarsest tap's channels. */
  public static final int TAPS_DIMS = 0;

  /** D with the Gram pooling when not set: a 1,024-long descriptor, the hash layer 256 kB. */
  public static final int GRAM_DIMS = 32;

  /** The largest D with the Gram pooling: a 4,096-long descriptor, the hash layer 1 MB. */
  public static final int MAX_GRAM_DIMS = 64;

  /** Refuses a D whose descriptor under {@code pooling} would be too long for the hash layer. */
  static void requireDescriptorFits(GlobalPool.Kind pooling, int dims) {
    if (pooling == GlobalPool.Kind.GRAM && dims > MAX_GRAM_DIMS) {
      throw new IllegalArgumentException(
          "with the Gram pooling the descriptor is D^2 long: D (--descriptor-dims) must be at most "
              + MAX_GRAM_DIMS
              + ", got "
              + dims);
    }
  }

  /** A {@link #weightAverage} that means: export the last step's weights. */
  public static final float NO_AVERAGE = 0f;

  /** A {@link #quantisationWeight} that means: the objective's own ({@link Objective#eta}). */
  public static final float OBJECTIVES_WEIGHT = -1f;

  public static HashPreset of(String name) {
    return switch (name == null ? "" : name) {
      case "tiny" -> sized("tiny", 8, 3, 1, 30, 1e-3f, 3, 5, 5, 10);
      case "cpu" -> cpuTrained(sized("cpu", 32, 16, 8, CPU_STEPS, 3e-4f, 3, 100, 20, 100));
      case "paper" -> sized("paper", 64, 64, 32, 20_000, 3e-4f, 5, 500, 100, 1000);
      default ->
          throw new IllegalArgumentException(
              "preset must be one of " + TsnPreset.NAMES + ", got " + name);
    };
  }

  /** The `cpu` preset's default length: both backbones were still far from trained at 1,200. */
  static final int CPU_STEPS = 7200;

  /**
   * The `cpu` preset trained as measured best on this machine (vistex, 64 bits, two seeds): the
   * last sixth of the steps annealed, mean and deviation pooling, weight decay 1, which took
   * CNN+DSDH from 0.73 at the paper's settings and 1,200 steps to 0.96. The other presets keep the
   * paper's choices.
   */
  private static HashPreset cpuTrained(HashPreset sized) {
    return sized
        .withAnnealSteps(CPU_STEPS / 6)
        .withPooling(GlobalPool.Kind.MEAN_STD)
        .withWeightDecay(1f);
  }

  /**
   * A preset of these sizes with the paper's choices for the settings a command line may change:
   * mean pooling, no anneal, one conv unit per level reading the colour.
   */
  private static HashPreset sized(
      String name,
      int batchSize,
      int realPerClass,
      int augPerClass,
      int defaultSteps,
      float learningRate,
      int attentionKernel,
      int codeUpdates,
      int logEvery,
      int checkpointEvery) {
    return new HashPreset(
        name,
        batchSize,
        realPerClass,
        augPerClass,
        defaultSteps,
        learningRate,
        attentionKernel,
        codeUpdates,
        logEvery,
        checkpointEvery,
        GlobalPool.Kind.MEAN,
        0,
        1,
        PlainCnn.Stem.RGB,
        1f,
        TAPS_DIMS,
        OBJECTIVES_WEIGHT,
        false,
        Objective.COSINE_SCALE,
        Objective.COSINE_MARGIN,
        Schedule.CONSTANT,
        0f,
        1,
        NO_AVERAGE,
        0f,
        0f,
        0,
        0f,
        0f,
        1f);
  }

  /** This preset with Adam's learning rate set to {@code rate}. */
  public HashPreset withLearningRate(float rate) {
    if (!(rate > 0 && rate < 1)) {
      throw new IllegalArgumentException("learning rate must be in (0, 1), got " + rate);
    }
    return with(t -> t.learningRate = rate);
  }

  /** This preset with the fused maps pooled by {@code kind}. */
  public HashPreset withPooling(GlobalPool.Kind kind) {
    java.util.Objects.requireNonNull(kind);
    return with(t -> t.pooling = kind);
  }

  /** This preset with its last {@code steps} steps at a tenth of the learning rate. */
  public HashPreset withAnnealSteps(int steps) {
    if (steps < 0) {
      throw new IllegalArgumentException("anneal steps must be >= 0, got " + steps);
    }
    return with(t -> t.annealSteps = steps);
  }

  /**
   * This preset with its anneal the same share of a run of {@code steps} as of its default length
   * (for the `cpu` preset a sixth), for a run whose length is set but not its anneal.
   */
  public HashPreset withAnnealScaledTo(int steps) {
    return withAnnealSteps((int) ((long) annealSteps * steps / defaultSteps));
  }

  /** This preset with {@code depth} conv units per level of the plain CNN. */
  public HashPreset withCnnDepth(int depth) {
    PlainCnn.requireDepth(depth);
    return with(t -> t.cnnDepth = depth);
  }

  /** This preset with the plain CNN's stem reading {@code stem}. */
  public HashPreset withCnnStem(PlainCnn.Stem stem) {
    java.util.Objects.requireNonNull(stem);
    return with(t -> t.cnnStem = stem);
  }

  /**
   * This preset with the plain CNN's channels {@code width} times the taps' it copies (rounded to a
   * multiple of 8): more capacity per level without more levels. The head follows the taps (at
   * width 2 the descriptor D doubles, unless {@link #withDescriptorDims} keeps it); the
   * multiply-adds grow about as the square of the width.
   */
  public HashPreset withCnnWidth(float width) {
    if (!(width >= 0.5f && width <= MAX_CNN_WIDTH)) {
      throw new IllegalArgumentException(
          "cnn width must be 0.5 to " + MAX_CNN_WIDTH + ", got " + width);
    }
    return with(t -> t.cnnWidth = width);
  }

  /**
   * This preset with the fused descriptor D {@code dims} long (a multiple of 8, 16 to 2048; at most
   * {@link #MAX_GRAM_DIMS} with the Gram pooling): the last fusion conv's output channels, the
   * widest layer of the head, so a wider backbone can keep the head (and the exported file) of a
   * narrower one.
   */
  public HashPreset withDescriptorDims(int dims) {
    if (dims != TAPS_DIMS && (dims < 16 || dims > 2048 || dims % 8 != 0)) {
      throw new IllegalArgumentException(
          "descriptor dims must be a multiple of 8 from 16 to 2048, got " + dims);
    }
    return with(t -> t.descriptorDims = dims);
  }

  /**
   * The weight of the quantisation term {@code ||u - sign(u)||^2}: how hard the outputs are pulled
   * to +-1, so that their signs keep the angles the objective learns.
   */
  public HashPreset withQuantisationWeight(float weight) {
    if (!(weight >= 0 && weight <= 100)) {
      throw new IllegalArgumentException("quantisation weight must be in [0, 100], got " + weight);
    }
    return with(t -> t.quantisationWeight = weight);
  }

  /**
   * This preset with the classifier reading sign(u) instead of u, its gradient passed back through
   * {@code sqrt(K) u / |u|} ({@link Objective#signStraightThrough}; after GreedyHash, Su et al.
   * 2018). The loss then scores the codes the index will compare, not outputs whose signs lose part
   * of what the loss learned.
   */
  public HashPreset withStraightThrough(boolean on) {
    return with(t -> t.straightThrough = on);
  }

  /**
   * This preset with the cosine objective's logits {@code scale} times the cosines: a larger scale
   * (a lower temperature) makes the softmax sharper, so the loss keeps pushing crops towards their
   * class after they are already nearest it.
   */
  public HashPreset withCosineScale(float scale) {
    if (!(scale >= 1 && scale <= 128)) {
      throw new IllegalArgumentException("cosine scale must be 1 to 128, got " + scale);
    }
    return with(t -> t.cosineScale = scale);
  }

  /**
   * This preset with the cosine objective's true-class cosine lowered by {@code margin} before the
   * softmax: a crop must be nearer its class than the others by that much, so classes come out more
   * compact and further apart.
   */
  public HashPreset withCosineMargin(float margin) {
    if (!(margin >= 0 && margin <= 1)) {
      throw new IllegalArgumentException("cosine margin must be 0 to 1, got " + margin);
    }
    return with(t -> t.cosineMargin = margin);
  }

  /** This preset with the rate before the anneal moving by {@code schedule}. */
  public HashPreset withSchedule(Schedule schedule) {
    java.util.Objects.requireNonNull(schedule);
    return with(t -> t.schedule = schedule);
  }

  /**
   * This preset with each conv and dense weight shrunk by {@code rate * decay} of itself every step
   * (decoupled weight decay): weights the loss does not keep asking for fade, which limits how
   * closely the network can fit the training images' particulars.
   */
  public HashPreset withWeightDecay(float decay) {
    if (!(decay >= 0 && decay <= 1)) {
      throw new IllegalArgumentException("weight decay must be 0 to 1, got " + decay);
    }
    return with(t -> t.weightDecay = decay);
  }

  /**
   * This preset exporting an exponential moving average of the weights, {@code decay} of it kept at
   * each step (Polyak averaging; {@link #NO_AVERAGE} for none): the average of the last {@code 1 /
   * (1 - decay)} or so steps sits nearer the middle of the region the steps wander in than any one
   * step, which tends to generalise better.
   */
  public HashPreset withWeightAverage(float decay) {
    if (decay != NO_AVERAGE && !(decay >= 0.9f && decay < 1)) {
      throw new IllegalArgumentException(
          "weight average decay must be 0 (none) or from 0.9 to below 1, got " + decay);
    }
    return with(t -> t.weightAverage = decay);
  }

  /** The largest {@link #dropout} a command line may ask for. */
  public static final float MAX_DROPOUT = 0.9f;

  /**
   * This preset zeroing a random {@code p} of the fused descriptor's values in each training crop
   * (dropout before the hash layer, Srivastava et al. 2014): no code may lean on a few descriptor
   * values, a regulariser beside the weight decay.
   */
  public HashPreset withDropout(float p) {
    if (!(p >= 0 && p <= MAX_DROPOUT)) {
      throw new IllegalArgumentException("dropout must be 0 to " + MAX_DROPOUT + ", got " + p);
    }
    return with(t -> t.dropout = p);
  }

  /** The largest {@link #proxySynthesis} alpha a command line may ask for. */
  public static final float MAX_PROXY_SYNTHESIS = 4f;

  /**
   * This preset adding to each batch of the cosine objective as many synthetic classes as crops,
   * each between two crops of different classes (Proxy Synthesis, Gu et al. 2021): the space
   * between the training classes is trained too, where the classes nobody trained on will land.
   * {@code alpha} shapes the Beta(alpha, alpha) mixing weights (small: near one of the two); 0
   * switches it off.
   */
  public HashPreset withProxySynthesis(float alpha) {
    if (!(alpha == 0f || alpha >= 0.05f && alpha <= MAX_PROXY_SYNTHESIS)) {
      throw new IllegalArgumentException(
          "proxy synthesis alpha must be 0 (none) or 0.05 to "
              + MAX_PROXY_SYNTHESIS
              + ", got "
              + alpha);
    }
    return with(t -> t.proxySynthesis = alpha);
  }

  /** The widest {@link #projectionHead} a command line may ask for. */
  public static final int MAX_PROJECTION_HEAD = 2048;

  /**
   * This preset with a projection head of width {@code width}: the classifier reads the codes
   * through two dense layers (the first with a ReLU) that the export drops, so the last layers the
   * training classes shape are not the ones searched (as the projection heads of contrastive
   * learning; Bordes et al. 2022 on why cutting them off generalises). 0 switches it off.
   */
  public HashPreset withProjectionHead(int width) {
    if (!(width == 0 || width >= 16 && width <= MAX_PROJECTION_HEAD)) {
      throw new IllegalArgumentException(
          "projection head width must be 0 (none) or 16 to "
              + MAX_PROJECTION_HEAD
              + ", got "
              + width);
    }
    return with(t -> t.projectionHead = width);
  }

  /**
   * This preset with the training slots of a source of n classes multiplied by {@code (n_max /
   * n)^t} ({@link TrainingSlots}): the pool's largest source (ufoai, two thirds of a split's
   * textures) no longer sets the look the network learns, as the domain-balanced batches of domain
   * generalisation do. 0 switches it off.
   */
  public HashPreset withSourceBalance(float t) {
    TrainingSlots.requireSourceBalance(t);
    return with(x -> x.sourceBalance = t);
  }

  /** The largest {@link #sharpnessRadius} offered; SAM's authors use 0.05 for most networks. */
  public static final float MAX_SHARPNESS_RADIUS = 2f;

  /**
   * This preset with sharpness-aware steps of radius {@code rho} ({@link
   * org.texhash.trainer.nn.SharpnessAscent}): each step's gradient is taken where the loss is
   * highest within rho of the weights, so training settles where the whole neighbourhood is low. A
   * step then costs two forward and backward passes. 0 switches it off.
   */
  public HashPreset withSharpnessRadius(float rho) {
    if (!(rho >= 0 && rho <= MAX_SHARPNESS_RADIUS)) {
      throw new IllegalArgumentException(
          "sharpness radius must be 0 (off) to " + MAX_SHARPNESS_RADIUS + ", got " + rho);
    }
    return with(x -> x.sharpnessRadius = rho);
  }

  /** The smallest {@link #backboneRate} offered: below it the backbone hardly moves at all. */
  public static final float MIN_BACKBONE_RATE = 0.001f;

  /**
   * This preset with the backbone learning at {@code fraction} of the head's rate (and decaying as
   * slowly): a backbone that starts from trained weights (G's maps under {@code tsn-tuned}) is
   * fine-tuned, kept near what its own training found, while the head, which starts from random
   * weights, learns at the full rate (the layer-wise rates of transfer learning). 1: one rate.
   */
  public HashPreset withBackboneRate(float fraction) {
    if (!(fraction >= MIN_BACKBONE_RATE && fraction <= 1)) {
      throw new IllegalArgumentException(
          "backbone rate must be a fraction of the head's, "
              + MIN_BACKBONE_RATE
              + " to 1, got "
              + fraction);
    }
    return with(t -> t.backboneRate = fraction);
  }

  /**
   * This preset with each training class standing also for {@code n - 1} recoloured classes, its
   * regions with their colour channels reordered: more classes to tell apart, as many as the
   * structures times the palettes, from the same images.
   */
  public HashPreset withChannelOrders(int n) {
    TrainingSlots.requireChannelOrders(n);
    return with(t -> t.channelOrders = n);
  }

  /**
   * This preset with {@code n} training crops per step. At crops smaller than S a step's fixed cost
   * (the optimizer, the classifier's rows) dominates, so a larger batch sees more crops per second.
   */
  public HashPreset withBatchSize(int n) {
    if (n < 2 || n > MAX_BATCH_SIZE) {
      // the pairwise objectives need two crops in a batch
      throw new IllegalArgumentException(
          "batch size must be 2 to " + MAX_BATCH_SIZE + ", got " + n);
    }
    return with(t -> t.batchSize = n);
  }

  /** The quantisation weight a run of {@code objective} uses. */
  public double quantisationWeight(Objective objective) {
    return quantisationWeight == OBJECTIVES_WEIGHT ? objective.eta : quantisationWeight;
  }

  /** The settings a command line may change, as a copy to change one of and build again. */
  private static final class Training {
    int batchSize;
    float learningRate;
    GlobalPool.Kind pooling;
    int annealSteps;
    int cnnDepth;
    PlainCnn.Stem cnnStem;
    float cnnWidth;
    int descriptorDims;
    float quantisationWeight;
    boolean straightThrough;
    float cosineScale;
    float cosineMargin;
    Schedule schedule;
    float weightDecay;
    int channelOrders;
    float weightAverage;
    float dropout;
    float proxySynthesis;
    int projectionHead;
    float sourceBalance;
    float sharpnessRadius;
    float backboneRate;
  }

  /** This preset's sizes with its training settings changed by {@code change}. */
  private HashPreset with(java.util.function.Consumer<Training> change) {
    Training t = new Training();
    t.batchSize = batchSize;
    t.learningRate = learningRate;
    t.pooling = pooling;
    t.annealSteps = annealSteps;
    t.cnnDepth = cnnDepth;
    t.cnnStem = cnnStem;
    t.cnnWidth = cnnWidth;
    t.descriptorDims = descriptorDims;
    t.quantisationWeight = quantisationWeight;
    t.straightThrough = straightThrough;
    t.cosineScale = cosineScale;
    t.cosineMargin = cosineMargin;
    t.schedule = schedule;
    t.weightDecay = weightDecay;
    t.channelOrders = channelOrders;
    t.weightAverage = weightAverage;
    t.dropout = dropout;
    t.proxySynthesis = proxySynthesis;
    t.projectionHead = projectionHead;
    t.sourceBalance = sourceBalance;
    t.sharpnessRadius = sharpnessRadius;
    t.backboneRate = backboneRate;
    change.accept(t);
    return new HashPreset(
        name,
        t.batchSize,
        realPerClass,
        augPerClass,
        defaultSteps,
        t.learningRate,
        attentionKernel,
        codeUpdates,
        logEvery,
        checkpointEvery,
        t.pooling,
        t.annealSteps,
        t.cnnDepth,
        t.cnnStem,
        t.cnnWidth,
        t.descriptorDims,
        t.quantisationWeight,
        t.straightThrough,
        t.cosineScale,
        t.cosineMargin,
        t.schedule,
        t.weightDecay,
        t.channelOrders,
        t.weightAverage,
        t.dropout,
        t.proxySynthesis,
        t.projectionHead,
        t.sourceBalance,
        t.sharpnessRadius,
        t.backboneRate);
  }

  /** Adam's rate for the update after {@code done} of {@code total} steps. */
  public float learningRateAt(long done, long total) {
    float annealed = learningRate / ANNEAL_FACTOR;
    long before = total - annealSteps;
    if (done >= before) {
      return annealed;
    }
    if (schedule == Schedule.CONSTANT) {
      return learningRate;
    }
    // the cosine is over this run's steps, so a run resumed with more steps picks up the same
    // curve stretched to its new length (the rate may rise at the resume)
    double progress = (double) done / before;
    return (float)
        (annealed + (learningRate - annealed) * 0.5 * (1 + Math.cos(Math.PI * progress)));
  }

  /**
   * Channels of the taps G of {@code tsn} gives (encoder + decoder of each level), finest first.
   */
  public static List<Integer> tapChannels(TsnPreset tsn) {
    List<Integer> c = new ArrayList<>();
    for (int l = 0; l <= tsn.downsamplings(); l++) {
      c.add(2 * tsn.channelsAt(l));
    }
    return c;
  }

  /**
   * Channels of the plain CNN's levels under this preset: G's tap channels times {@link #cnnWidth},
   * rounded to a multiple of 8.
   */
  public List<Integer> cnnChannels(TsnPreset tsn) {
    List<Integer> c = new ArrayList<>();
    for (int t : tapChannels(tsn)) {
      c.add(Math.max(8, 8 * Math.round(t * cnnWidth / 8f)));
    }
    return c;
  }

  /**
   * D under this preset for a backbone with these taps; with the Gram pooling {@link #GRAM_DIMS}
   * unless set, since the descriptor is D^2 long.
   */
  public int descriptorDims(List<Integer> tapChannels) {
    if (descriptorDims != TAPS_DIMS) {
      return descriptorDims;
    }
    return pooling == GlobalPool.Kind.GRAM ? GRAM_DIMS : tapsDims(tapChannels);
  }

  /** The paper's D: twice the coarsest tap's channels. */
  public static int tapsDims(List<Integer> tapChannels) {
    return 2 * tapChannels.get(tapChannels.size() - 1);
  }
}
