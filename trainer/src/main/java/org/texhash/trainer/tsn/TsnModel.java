package org.texhash.trainer.tsn;

import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Properties;
import org.texhash.trainer.nn.AtomicFiles;
import org.texhash.trainer.nn.Chw;

/**
 * A TSN's generator and discriminator with their parameters, on DJL's PyTorch engine (CPU).
 *
 * <p>Conv weights and biases start from N(0, 0.02) (the paper, after DCGAN); normalisation scales
 * start at 1 and shifts at 0. The parameter initialisation is seeded.
 */
public final class TsnModel implements AutoCloseable {
  public static final String ENGINE = "PyTorch";
  public static final String GENERATOR_FILE = "generator.params";
  public static final String DISCRIMINATOR_FILE = "discriminator.params";
  public static final String PROPERTIES_FILE = "tsn.properties";

  private final TsnPreset preset;
  private final NDManager manager;
  private final TsnGenerator generator;
  private final PatchDiscriminator discriminator;
  private final ParameterStore store;

  private TsnModel(TsnPreset preset, NDManager manager, boolean spectralDiscriminator) {
    this.preset = preset;
    this.manager = manager;
    this.generator = new TsnGenerator(preset);
    this.discriminator = new PatchDiscriminator(preset, spectralDiscriminator);
    this.store = new ParameterStore(manager, false);
  }

  public static Engine engine() {
    return Engine.getEngine(ENGINE);
  }

  /** A freshly initialised G and D; the same seed gives the same parameters. */
  public static TsnModel create(TsnPreset preset, long seed) {
    return create(preset, seed, false);
  }

  /**
   * The same, with D's convolutions spectrally normalised if asked (the parameters are the same
   * either way; only how D uses them differs).
   */
  public static TsnModel create(TsnPreset preset, long seed, boolean spectralDiscriminator) {
    Engine engine = engine();
    engine.setRandomSeed((int) (seed ^ (seed >>> 32)));
    TsnModel m = new TsnModel(preset, engine.newBaseManager(), spectralDiscriminator);
    m.initialize(m.generator, new Shape(1, 3, preset.patchSize(), preset.patchSize()));
    m.generator.zeroCorrectionHead();
    m.initialize(
        m.discriminator, new Shape(1, 3, 2L * preset.patchSize(), 2L * preset.patchSize()));
    return m;
  }

  private void initialize(Block block, Shape input) {
    block.setInitializer(new NormalInitializer(0.02f), Parameter.Type.WEIGHT);
    block.setInitializer(new NormalInitializer(0.02f), Parameter.Type.BIAS);
    block.initialize(manager, DataType.FLOAT32, input);
  }

  /**
   * The generator saved in {@code dir} ({@value #PROPERTIES_FILE} + {@value #GENERATOR_FILE}), for
   * expansion; D is left at its initial values.
   */
  public static TsnModel loadGenerator(Path dir) throws IOException {
    Path props = dir.resolve(PROPERTIES_FILE);
    Path params = dir.resolve(GENERATOR_FILE);
    if (!Files.isRegularFile(props) || !Files.isRegularFile(params)) {
      throw new IllegalArgumentException(
          "not a TSN folder (needs " + PROPERTIES_FILE + " and " + GENERATOR_FILE + "): " + dir);
    }
    TsnModel m = create(TsnPreset.fromProperties(AtomicFiles.readProperties(props)), 0);
    m.loadParameters(m.generator, params);
    return m;
  }

  /** Name of the generator shipped in the trainer jar (from {@code samples/models/}). */
  public static final String SHIPPED = "tsn-cpu";

  /**
   * The generator shipped with texhash ({@value #SHIPPED}), what {@code texhash synth} uses by
   * default.
   */
  public static TsnModel loadShipped() throws IOException {
    String base = "models/" + SHIPPED + "/";
    try (InputStream props = TsnModel.class.getResourceAsStream(base + PROPERTIES_FILE);
        InputStream params = TsnModel.class.getResourceAsStream(base + GENERATOR_FILE)) {
      if (props == null || params == null) {
        throw new IOException(
            "the shipped generator " + SHIPPED + " is missing from the classpath");
      }
      Properties p = new Properties();
      p.load(new java.io.InputStreamReader(props, StandardCharsets.UTF_8));
      TsnModel m = create(TsnPreset.fromProperties(p), 0);
      m.loadParameters(m.generator, new BufferedInputStream(params), SHIPPED);
      return m;
    }
  }

  public TsnPreset preset() {
    return preset;
  }

  public NDManager manager() {
    return manager;
  }

  public TsnGenerator generator() {
    return generator;
  }

  public PatchDiscriminator discriminator() {
    return discriminator;
  }

  public ParameterStore store() {
    return store;
  }

  /** Trainable parameter count of a block (batch-norm running statistics excluded). */
  public static long parameterCount(Block block) {
    long n = 0;
    for (var p : block.getParameters()) {
      if (p.getValue().requiresGradient()) {
        n += p.getValue().getArray().size();
      }
    }
    return n;
  }

  /**
   * G applied once, in inference mode: an {@code h x w} image (sides multiples of 2^downsamplings)
   * to its {@code 2h x 2w} expansion.
   */
  public Chw expand(Chw input) {
    try (NDManager scope = manager.newSubManager()) {
      NDArray x = scope.create(input.data(), new Shape(1, 3, input.height(), input.width()));
      NDArray y = generator.forward(store, new NDList(x), false).singletonOrThrow();
      return new Chw(2 * input.height(), 2 * input.width(), y.toFloatArray());
    }
  }

  /**
   * First 12 hex digits of SHA-256 over G's serialised parameters: tells two generators apart
   * wherever they were loaded from, so a stage-2 run can refuse to resume on a G that has since
   * trained on.
   */
  public String generatorDigest() {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      generator.saveParameters(new DataOutputStream(bytes));
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray());
      return HexFormat.of().formatHex(digest).substring(0, 12);
    } catch (IOException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("cannot fingerprint G: " + e.getMessage(), e);
    }
  }

  /**
   * Saves {@value #PROPERTIES_FILE} and {@value #GENERATOR_FILE} into {@code dir}, each replaced
   * atomically.
   */
  public void saveGenerator(Path dir) throws IOException {
    Files.createDirectories(dir);
    AtomicFiles.writeProperties(dir.resolve(PROPERTIES_FILE), preset.toProperties(), "TSN preset");
    saveParameters(generator, dir.resolve(GENERATOR_FILE));
  }

  void saveParameters(Block block, Path file) throws IOException {
    AtomicFiles.write(file, out -> block.saveParameters(new DataOutputStream(out)));
  }

  void loadParameters(Block block, Path file) throws IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
      loadParameters(block, in, file.toString());
    }
  }

  private void loadParameters(Block block, InputStream in, String source) throws IOException {
    try {
      block.loadParameters(manager, new DataInputStream(in));
    } catch (MalformedModelException e) {
      throw new IOException("cannot read " + source + ": " + e.getMessage(), e);
    }
    // Parameter.load replaces the arrays without marking them trainable again
    for (var p : block.getParameters()) {
      if (p.getValue().requiresGradient()) {
        p.getValue().getArray().setRequiresGradient(true);
      }
    }
  }

  @Override
  public void close() {
    manager.close();
  }
}
