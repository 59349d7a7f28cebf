package org.texhash.trainer.tsn;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.texhash.indexer.image.SyntheticTextures;

/** Procedural training regions for the {@code tiny} preset. */
final class TinyData {
  private TinyData() {}

  static List<BufferedImage> regions(int count, int side) {
    List<BufferedImage> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(SyntheticTextures.generate(100 + i, side, side));
    }
    return out;
  }

  static TexturePairSampler sampler(TsnPreset p, long seed) {
    return new TexturePairSampler(
        regions(4, 48), p.patchSize(), p.batchSize(), TexturePairSampler.CropPolicy.CENTER, seed);
  }
}
