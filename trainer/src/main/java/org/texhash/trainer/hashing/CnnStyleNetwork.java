package org.texhash.trainer.hashing;

import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.texhash.trainer.nn.AtomicFiles;
import org.texhash.trainer.nn.CheckpointFolder;
import org.texhash.trainer.tsn.StyleNetwork;
import org.texhash.trainer.tsn.TorchScriptStyleNetwork;
import org.texhash.trainer.tsn.TsnModel;
import org.texhash.trainer.tsn.TsnPreset;

/**
 * A style network that knows textures: the plain CNN of a stage-2 run ({@code train hash --backbone
 * cnn}), its level maps as the style layers, frozen, batch norms at their running statistics.
 *
 * <p>Why: the paper's style loss reads an ImageNet VGG-19, which nothing here may download; the
 * default random filters only know edges and colours. A CNN trained to tell textures apart, on
 * images the TSN's benchmark does not hold (e.g. {@code --protocol pool} over other packages), is
 * the nearest stand-in: its Gram statistics are those that separate textures.
 */
public final class CnnStyleNetwork implements StyleNetwork, AutoCloseable {
  private final String id;
  private final PlainCnn cnn;
  private final NDManager manager;
  private final ParameterStore store;

  private CnnStyleNetwork(String id, PlainCnn cnn, NDManager manager) {
    this.id = id;
    this.cnn = cnn;
    this.manager = manager;
    this.store = new ParameterStore(manager, false);
  }

  /**
   * The style network at {@code path}: a stage-2 run's work folder ({@code OUT.training}) or one of
   * its checkpoints gives its plain CNN; any other path is read as a TorchScript file.
   */
  public static StyleNetwork open(Path path) throws IOException {
    return Files.isDirectory(path) ? load(path) : TorchScriptStyleNetwork.load(path);
  }

  /** The plain CNN of the stage-2 checkpoint {@code dir} (or of the latest one under it). */
  public static CnnStyleNetwork load(Path dir) throws IOException {
    Path ckpt = HashTrainer.isCheckpoint(dir) ? dir : latest(dir);
    Properties p = AtomicFiles.readProperties(ckpt.resolve(HashTrainer.STATE_FILE));
    if (!BackboneKind.CNN.id().equals(p.getProperty("backbone"))) {
      throw new IllegalArgumentException(
          "style network "
              + dir
              + " is a stage-2 run of backbone "
              + p.getProperty("backbone")
              + "; only a plain CNN (train hash --backbone cnn) can be a style network");
    }
    HashPreset preset =
        HashPreset.of(p.getProperty("preset"))
            .withCnnDepth(Integer.parseInt(p.getProperty("cnn_depth", "1")))
            .withCnnWidth(Float.parseFloat(p.getProperty("cnn_width", "1")))
            .withCnnStem(PlainCnn.Stem.of(p.getProperty("cnn_stem", "rgb")));
    TsnPreset tp = TsnPreset.of(preset.name());
    PlainCnn cnn = PlainCnn.of(preset, tp);
    NDManager manager = Engine.getEngine(TsnModel.ENGINE).newBaseManager();
    try (InputStream in =
        new BufferedInputStream(Files.newInputStream(ckpt.resolve(HashTrainer.NETWORK_FILE)))) {
      DataInputStream data = new DataInputStream(in);
      skipNetworkHeader(data);
      cnn.initialize(manager, DataType.FLOAT32, new Shape(1, 3, tp.patchSize(), tp.patchSize()));
      cnn.loadParameters(manager, data); // the backbone is the network's first child
    } catch (MalformedModelException | RuntimeException e) {
      manager.close();
      throw new IllegalArgumentException(
          "cannot read the plain CNN of " + ckpt + ": " + e.getMessage(), e);
    }
    return new CnnStyleNetwork(
        "cnn:" + dir.getFileName() + "@" + p.getProperty("step"), cnn, manager);
  }

  private static Path latest(Path dir) throws IOException {
    Path ckpt = new CheckpointFolder(dir).latest(HashTrainer::isCheckpoint);
    if (ckpt == null) {
      throw new IllegalArgumentException(
          "style network " + dir + " holds no stage-2 checkpoint (give a train hash work folder)");
    }
    return ckpt;
  }

  /**
   * Skips what {@link HashNetwork#saveParameters} writes before its children: DJL's block version
   * byte and the network's input shapes ({@code AbstractBaseBlock.saveInputShapes}).
   */
  private static void skipNetworkHeader(DataInputStream in) throws IOException {
    in.readByte();
    int shapes = in.readInt();
    for (int i = 0; i < shapes; i++) {
      Shape.decode(in);
    }
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public List<NDArray> features(NDArray images) {
    return cnn.taps(store, images, false);
  }

  @Override
  public void close() {
    manager.close();
  }
}
