package org.texhash.trainer.tsn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import org.texhash.trainer.nn.ConvUnit;

/**
 * The discriminator D: a fully convolutional PatchGAN (DCGAN-style layers, as in the paper's [44]
 * and pix2pix) on {@code [N, 3, 2S, 2S]} images. Output: one real/fake score per overlapping patch,
 * {@code [N, 1, 2S / 2^k, 2S / 2^k]} for {@code k = discDownsamplings}.
 *
 * <pre>
 * d1        ConvUnit 4x4 stride 2, LeakyReLU 0.2 (no normalisation on the image layer)
 * d2..dk    ConvUnit 4x4 stride 2, InstanceNorm, LeakyReLU 0.2, channels doubled (cap 8x)
 * mix       ConvUnit 3x3, InstanceNorm, LeakyReLU 0.2
 * score     ConvUnit 3x3 to 1 channel, no activation (a logit / least-squares score)
 * </pre>
 *
 * With spectral normalisation every layer's convolution is divided by its largest singular value
 * ({@link ConvUnit#spectral}), so D's scores stay a smooth function of the image (Miyato et al.),
 * and no layer is normalised: instance normalisation divides by each map's deviation and would undo
 * the bound (a first run with both had D's loss at 0.01 by step 440, as without).
 */
public final class PatchDiscriminator extends AbstractBlock {
  private final List<ConvUnit> layers = new ArrayList<>();

  /** D without spectral normalisation: the paper's, and the one saved with every G. */
  public PatchDiscriminator(TsnPreset preset) {
    this(preset, false);
  }

  public PatchDiscriminator(TsnPreset preset, boolean spectral) {
    super((byte) 1);
    UnitFactory unit = spectral ? ConvUnit::spectral : ConvUnit::new;
    ConvUnit.Norm inner = spectral ? ConvUnit.Norm.NONE : ConvUnit.Norm.INSTANCE;
    int c = preset.discChannels();
    int cap = 8 * c;
    for (int i = 1; i <= preset.discDownsamplings(); i++) {
      int filters = Math.min(c << (i - 1), cap);
      layers.add(
          addChildBlock(
              "d" + i,
              unit.make(
                  filters, 4, 2, i > 1 ? inner : ConvUnit.Norm.NONE, ConvUnit.Act.LEAKY_RELU)));
    }
    int mixFilters = Math.min(c << preset.discDownsamplings(), cap);
    layers.add(addChildBlock("mix", unit.make(mixFilters, 3, 1, inner, ConvUnit.Act.LEAKY_RELU)));
    layers.add(addChildBlock("score", unit.make(1, 3, 1, ConvUnit.Norm.NONE, ConvUnit.Act.NONE)));
  }

  /** {@code new ConvUnit} or {@link ConvUnit#spectral}. */
  private interface UnitFactory {
    ConvUnit make(int filters, int kernel, int stride, ConvUnit.Norm norm, ConvUnit.Act act);
  }

  /** Every layer's output, first layer first; the last is the score map. */
  public List<NDArray> features(ParameterStore store, NDArray image, boolean training) {
    List<NDArray> out = new ArrayList<>(layers.size());
    NDList h = new NDList(image);
    for (ConvUnit layer : layers) {
      h = layer.forward(store, h, training);
      out.add(h.singletonOrThrow());
    }
    return out;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    List<NDArray> f = features(store, inputs.singletonOrThrow(), training);
    return new NDList(f.get(f.size() - 1));
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape[] s = inputShapes;
    for (ConvUnit layer : layers) {
      layer.initialize(manager, dataType, s);
      s = layer.getOutputShapes(s);
    }
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape[] s = inputShapes;
    for (ConvUnit layer : layers) {
      s = layer.getOutputShapes(s);
    }
    return s;
  }
}
