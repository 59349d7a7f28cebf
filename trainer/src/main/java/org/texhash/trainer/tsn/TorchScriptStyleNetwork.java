package org.texhash.trainer.tsn;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A user-supplied style network: a TorchScript module (for example VGG-19's first layers, traced in
 * PyTorch) taking {@code [N, 3, H, W]} images in [-1, 1] and returning one or more {@code [N, C, h,
 * w]} feature maps (a tensor, or a tuple/list of tensors). Every 4-D output is used as a style
 * layer. The module runs in eval mode; its own weights are never updated.
 */
public final class TorchScriptStyleNetwork implements StyleNetwork, AutoCloseable {
  private final Path file;
  private final Model model;
  private final ParameterStore store;

  private TorchScriptStyleNetwork(Path file, Model model) {
    this.file = file;
    this.model = model;
    this.store = new ParameterStore(model.getNDManager(), false);
  }

  public static TorchScriptStyleNetwork load(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("style network file not found: " + file);
    }
    Model model = Model.newInstance("style", Device.cpu(), TsnModel.ENGINE);
    try {
      model.load(file.toAbsolutePath().getParent(), file.getFileName().toString());
    } catch (MalformedModelException | RuntimeException e) {
      model.close();
      throw new IllegalArgumentException(
          "style network " + file + " is not a TorchScript module: " + e.getMessage(), e);
    }
    return new TorchScriptStyleNetwork(file, model);
  }

  @Override
  public String id() {
    return "torchscript:" + file.getFileName();
  }

  @Override
  public List<NDArray> features(NDArray images) {
    NDList out = model.getBlock().forward(store, new NDList(images), false);
    List<NDArray> maps = new ArrayList<>();
    for (NDArray a : out) {
      if (a.getShape().dimension() == 4) {
        maps.add(a);
      }
    }
    if (maps.isEmpty()) {
      throw new IllegalArgumentException(
          "style network " + file + " returned no [N, C, H, W] feature map");
    }
    return maps;
  }

  @Override
  public void close() {
    model.close();
  }
}
