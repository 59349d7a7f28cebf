package org.texhash.trainer.tsn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.texhash.indexer.image.SyntheticTextures;

class ExpansionTest {
  private static final TsnPreset TINY = TsnPreset.of("tiny");

  @Test
  void expanderPolicy() {
    try (TsnModel m = TsnModel.create(TINY, 1)) {
      TextureExpander ex = new TextureExpander(m);
      BufferedImage odd = SyntheticTextures.generate(2, 23, 18); // cropped to 20 x 16, then doubled
      BufferedImage twice = ex.expand(odd, 0);
      assertEquals(40, twice.getWidth());
      assertEquals(32, twice.getHeight());
      BufferedImage big =
          ex.expand(SyntheticTextures.generate(2, 16, 16), 100); // 16 -> 32 -> 64 -> 128, cropped
      assertEquals(100, big.getWidth());
      assertEquals(100, big.getHeight());
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> ex.expand(SyntheticTextures.generate(2, 12, 40), 0));
      assertTrue(e.getMessage().contains("at least 16x16"), e.getMessage());
      assertThrows(
          IllegalArgumentException.class, () -> ex.expand(odd, TextureExpander.MAX_SIDE + 1));
    }
  }

  @Test
  void evaluationScoresAllMethods() {
    List<BufferedImage> regions = TinyData.regions(3, 40);
    try (TsnModel m = TsnModel.create(TINY, 1)) {
      ExpansionEvaluation.Result r = new ExpansionEvaluation(m).evaluate(regions, 2, 11);
      assertEquals(6, r.samples());
      assertEquals(ExpansionEvaluation.METHODS, List.copyOf(r.scores().keySet()));
      for (String naive : List.of("tile", "mirror")) {
        ExpansionEvaluation.Score s = r.scores().get(naive);
        // the naive expansions copy the centre (a quarter of the pixels) exactly
        assertEquals(0.75 * s.l1Outside(), s.l1(), 1e-6, naive);
        assertEquals(0.0, s.l1Inside(), 0.0, naive);
        assertTrue(s.style() >= 0);
      }
      ExpansionEvaluation.Score tsn = r.scores().get("tsn");
      assertTrue(Double.isFinite(tsn.l1()) && tsn.l1() > 0 && Double.isFinite(tsn.style()));
      assertTrue(r.json().startsWith("{\"regions\":3,\"samples\":6"), r.json());
      // the same seed gives the same numbers
      assertEquals(r, new ExpansionEvaluation(m).evaluate(regions, 2, 11));
    }
  }
}
