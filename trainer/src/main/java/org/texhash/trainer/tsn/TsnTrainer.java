package org.texhash.trainer.tsn;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.texhash.trainer.nn.AtomicFiles;
import org.texhash.trainer.nn.ResumableAdam;
import org.texhash.trainer.nn.Scalars;

/**
 * Adversarial training of the TSN, one step at a time, with exact checkpoints.
 *
 * <p>Each step: (1) D step: D's least-squares loss {@code ((D(y) - 1)^2 + D(G(x))^2) / 2} with G's
 * output detached; (2) G step against the updated D: {@code a (D(G(x)) - 1)^2 + l |G(x) - y|_1 + s
 * style(G(x), y)}, with the run's weights a, l, s ({@link TsnTrainingOptions}; 1, 100, 1 by
 * default, the paper's). Least squares (LSGAN, Mao et al. 2017) rather than BCE with logits: with a
 * PatchGAN on a few patches per batch D quickly becomes confident, and the least-squares loss keeps
 * giving G gradients proportional to how far its patches are from "real" instead of saturating; it
 * also needs no sigmoid that later export would have to strip. Gradients that the G step puts on D
 * are zeroed before the next D step.
 *
 * <p>A checkpoint holds G, D, both Adam states (moments and update counts) and the step; batches
 * are a function of (seed, step), so training resumed from a checkpoint computes exactly the steps
 * an uninterrupted run would.
 */
public final class TsnTrainer implements AutoCloseable {

  /** Seed offset of the random style filters, so they differ from the parameter initialisation. */
  static final long STYLE_SEED_SALT = 0x5747_4C45L;

  private final TsnTrainingOptions options;
  private final TsnModel model;
  private final StyleNetwork style;
  private final ResumableAdam adamG = ResumableAdam.tsnDefault();
  private final ResumableAdam adamD = ResumableAdam.tsnDefault();
  private long step;
  private double seconds;

  private TsnTrainer(TsnTrainingOptions options, TsnModel model, StyleNetwork.Opener styleFiles)
      throws IOException {
    this.options = options;
    this.model = model;
    this.style = styleNetwork(options, model, styleFiles);
  }

  /** A new run: freshly initialised G and D; a style file must be TorchScript. */
  public static TsnTrainer create(TsnTrainingOptions options) throws IOException {
    return create(options, TorchScriptStyleNetwork::load);
  }

  /** A new run whose style file (if the options name one) {@code styleFiles} opens. */
  public static TsnTrainer create(TsnTrainingOptions options, StyleNetwork.Opener styleFiles)
      throws IOException {
    TsnModel model = TsnModel.create(options.preset(), options.seed(), options.spectralNorm());
    try {
      return new TsnTrainer(options, model, styleFiles);
    } catch (IOException | RuntimeException e) {
      model.close();
      throw e;
    }
  }

  private static StyleNetwork styleNetwork(
      TsnTrainingOptions o, TsnModel m, StyleNetwork.Opener styleFiles) throws IOException {
    return switch (o.style()) {
      case TsnTrainingOptions.STYLE_RANDOM ->
          new RandomStyleNetwork(
              m.manager(),
              o.preset().styleScales(),
              o.preset().styleChannels(),
              o.seed() ^ STYLE_SEED_SALT);
      case TsnTrainingOptions.STYLE_DISCRIMINATOR ->
          new DiscriminatorStyleNetwork(m.discriminator(), m.store());
      default -> styleFiles.open(Path.of(o.style()));
    };
  }

  public TsnModel model() {
    return model;
  }

  public TsnTrainingOptions options() {
    return options;
  }

  public StyleNetwork style() {
    return style;
  }

  /** Steps done so far (the index of the next step). */
  public long step() {
    return step;
  }

  /** Training seconds accumulated over this run and the runs it resumed. */
  public double seconds() {
    return seconds;
  }

  void addSeconds(double s) {
    seconds += s;
  }

  /**
   * Told when each part of a training step ends, in the order of {@link #PARTS}, so that a profiler
   * can time the parts (bench/probes/TsnStepParts.java). PyTorch runs eagerly on the CPU, so an
   * operation has finished when the call that made it returns.
   */
  @FunctionalInterface
  public interface PartClock {
    PartClock NONE = part -> {};

    void partDone(String part);
  }

  /** The parts of {@link #trainStep(TexturePairSampler.Batch, PartClock)}, in order. */
  public static final List<String> PARTS =
      List.of(
          "G forward",
          "D forward, real and fake (D step)",
          "D backward",
          "Adam, D",
          "D forward on G's output (G step)",
          "L1",
          "style network forward, both images",
          "G step backward (through D, the style network and G)",
          "Adam, G");

  /** One D step and one G step on {@code batch}; returns the losses computed before the updates. */
  public StepLosses trainStep(TexturePairSampler.Batch batch) {
    return trainStep(batch, PartClock.NONE);
  }

  /** {@link #trainStep(TexturePairSampler.Batch)}, telling {@code clock} as each part ends. */
  public StepLosses trainStep(TexturePairSampler.Batch batch, PartClock clock) {
    Engine engine = model.manager().getEngine();
    TsnGenerator g = model.generator();
    PatchDiscriminator d = model.discriminator();
    try (NDManager scope = model.manager().newSubManager()) {
      NDArray x = batch.inputs(scope);
      NDArray y = batch.targets(scope);
      NDArray fake;
      float lossD;
      try (GradientCollector gc = engine.newGradientCollector()) {
        fake = g.forward(model.store(), new NDList(x), true).singletonOrThrow();
        clock.partDone(PARTS.get(0));
        NDArray real = score(d, y);
        NDArray faked = score(d, fake.stopGradient());
        NDArray loss = Scalars.times(real.sub(1f).square().mean().add(faked.square().mean()), 0.5f);
        clock.partDone(PARTS.get(1));
        gc.backward(loss);
        lossD = loss.getFloat();
        clock.partDone(PARTS.get(2));
      }
      adamD.step(d);
      clock.partDone(PARTS.get(3));
      float adv;
      float l1;
      float st;
      float total;
      try (GradientCollector gc = engine.newGradientCollector()) {
        NDArray advLoss = score(d, fake).sub(1f).square().mean();
        clock.partDone(PARTS.get(4));
        NDArray l1Loss = fake.sub(y).abs().mean();
        clock.partDone(PARTS.get(5));
        NDArray styleLoss = GramStyle.distance(style, fake, y);
        clock.partDone(PARTS.get(6));
        NDArray loss =
            Scalars.times(advLoss, options.adversarialWeight())
                .add(Scalars.times(l1Loss, options.l1Weight()))
                .add(Scalars.times(styleLoss, options.styleWeight()));
        gc.backward(loss);
        adv = advLoss.getFloat();
        l1 = l1Loss.getFloat();
        st = styleLoss.getFloat();
        total = loss.getFloat();
        clock.partDone(PARTS.get(7));
      }
      adamG.step(g);
      zeroGradients(d);
      clock.partDone(PARTS.get(8));
      step++;
      return new StepLosses(lossD, adv, l1, st, total);
    }
  }

  private NDArray score(PatchDiscriminator d, NDArray image) {
    return d.forward(model.store(), new NDList(image), true).singletonOrThrow();
  }

  static void zeroGradients(Block block) {
    for (var p : block.getParameters()) {
      NDArray w = p.getValue().getArray();
      if (w.hasGradient()) {
        try (NDArray grad = w.getGradient()) {
          grad.subi(grad);
        }
      }
    }
  }

  // ---- checkpoints ----

  static final String STATE_FILE = "state.properties";
  static final String ADAM_G_FILE = "adam-generator.bin";
  static final String ADAM_D_FILE = "adam-discriminator.bin";

  /**
   * Writes G, D, both optimiser states and the step into the (new or emptied) folder {@code dir}.
   */
  public void saveCheckpoint(Path dir) throws IOException {
    Files.createDirectories(dir);
    model.saveParameters(model.generator(), dir.resolve(TsnModel.GENERATOR_FILE));
    model.saveParameters(model.discriminator(), dir.resolve(TsnModel.DISCRIMINATOR_FILE));
    AtomicFiles.write(dir.resolve(ADAM_G_FILE), out -> adamG.save(new DataOutputStream(out)));
    AtomicFiles.write(dir.resolve(ADAM_D_FILE), out -> adamD.save(new DataOutputStream(out)));
    Properties p = options.toProperties();
    p.setProperty("step", Long.toString(step));
    p.setProperty("seconds", String.format(java.util.Locale.ROOT, "%.1f", seconds));
    p.setProperty("styleNetwork", style.id());
    // written last: a folder without it is an incomplete checkpoint
    AtomicFiles.writeProperties(dir.resolve(STATE_FILE), p, "TSN training checkpoint");
  }

  /** Whether {@code dir} holds a complete checkpoint. */
  public static boolean isCheckpoint(Path dir) {
    return Files.isRegularFile(dir.resolve(STATE_FILE));
  }

  /**
   * Continues the run saved in {@code dir}; {@code options} must match it except for the number of
   * steps.
   */
  public static TsnTrainer restore(Path dir, TsnTrainingOptions options) throws IOException {
    return restore(dir, options, TorchScriptStyleNetwork::load);
  }

  /** {@link #restore(Path, TsnTrainingOptions)} with style files opened by {@code styleFiles}. */
  public static TsnTrainer restore(
      Path dir, TsnTrainingOptions options, StyleNetwork.Opener styleFiles) throws IOException {
    if (!isCheckpoint(dir)) {
      throw new IllegalArgumentException("not a complete TSN checkpoint: " + dir);
    }
    Properties p = AtomicFiles.readProperties(dir.resolve(STATE_FILE));
    options.requireCompatible(p);
    TsnTrainer t = create(options, styleFiles);
    // the same --style path can name another network by now (a CNN run that trained on)
    String saved = p.getProperty("styleNetwork");
    if (saved != null && !saved.equals(t.style.id())) {
      t.close();
      throw new IllegalArgumentException(
          "the checkpoint in "
              + dir
              + " was trained with style network "
              + saved
              + ", --style now gives "
              + t.style.id()
              + ": point --style at the same network (e.g. a copy of that checkpoint)");
    }
    t.model.loadParameters(t.model.generator(), dir.resolve(TsnModel.GENERATOR_FILE));
    t.model.loadParameters(t.model.discriminator(), dir.resolve(TsnModel.DISCRIMINATOR_FILE));
    readAdam(t.adamG, dir.resolve(ADAM_G_FILE), t.model.manager());
    readAdam(t.adamD, dir.resolve(ADAM_D_FILE), t.model.manager());
    t.step = Long.parseLong(p.getProperty("step"));
    t.seconds = Double.parseDouble(p.getProperty("seconds", "0"));
    return t;
  }

  private static void readAdam(ResumableAdam adam, Path file, NDManager manager)
      throws IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
      adam.load(new DataInputStream(in), manager);
    }
  }

  @Override
  public void close() {
    if (style instanceof AutoCloseable c) {
      try {
        c.close();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    model.close();
  }
}
