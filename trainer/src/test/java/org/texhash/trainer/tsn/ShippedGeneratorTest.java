package org.texhash.trainer.tsn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.texhash.indexer.image.ImageLoader;
import org.texhash.trainer.nn.Chw;

/** The generator shipped in samples/models (what {@code texhash synth} uses without --tsn). */
class ShippedGeneratorTest {
  /** Shipped sample textures (Surefire runs in the module folder). */
  private static final Path TEXTURES = Path.of("..", "samples", "textures");

  private static final List<String> INPUTS =
      List.of(
          "3td_BrickOldRound_01_a.jpg",
          "forest_floor.jpg",
          "metal01_a.png",
          "wood_planks1_b.jpg",
          "tile02.png");

  @Test
  void loadsAndDoublesAnImage() throws Exception {
    try (TsnModel m = TsnModel.loadShipped()) {
      assertEquals(
          TsnPreset.of("cpu"), m.preset(), "the shipped G is the cpu preset, input skip included");
      BufferedImage in = ImageLoader.load(TEXTURES.resolve("ceramic.jpg"));
      BufferedImage out = new TextureExpander(m).expand(in, 0);
      assertEquals(2 * in.getWidth(), out.getWidth());
      assertEquals(2 * in.getHeight(), out.getHeight());
    }
  }

  /**
   * The centre S x S of G's expansion reproduces its input: mean absolute difference at most 0.03
   * (pixels in [-1, 1]) on fixed crops of shipped textures. Fails when G loses its input.
   */
  @Test
  void reproducesItsInputInTheCentre() throws Exception {
    try (TsnModel m = TsnModel.loadShipped()) {
      int s = m.preset().patchSize();
      for (String name : INPUTS) {
        Chw input = Chw.of(ImageLoader.load(TEXTURES.resolve(name))).centerCrop(s, s);
        Chw out = m.expand(input);
        double inside = out.centerCrop(s, s).l1(input);
        assertTrue(inside <= 0.03, name + ": centre L1 " + inside);
        // and it expanded: the outside is not a copy of the mirror padding alone
        assertTrue(out.l1(input.mirrorTo(2 * s, 2 * s)) > 0, name);
      }
    }
  }
}
