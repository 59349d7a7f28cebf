package org.texhash.indexer.encoder.classic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;
import org.texhash.indexer.image.Images;
import org.texhash.indexer.image.SyntheticTextures;

class LbpColorDescriptorTest {
  private static final int[] BLOCKS = {10, 18, 26, LbpColorDescriptor.COLOUR_BINS};

  @Test
  void everyBlockHasUnitNorm() {
    float[] d = LbpColorDescriptor.describe(SyntheticTextures.generate(11, 64, 64));
    assertEquals(LbpColorDescriptor.DIMENSIONS, d.length);
    int offset = 0;
    for (int size : BLOCKS) {
      double sq = 0;
      for (int i = offset; i < offset + size; i++) {
        sq += d[i] * d[i];
      }
      assertEquals(1.0, sq, 1e-5, "block at " + offset);
      offset += size;
    }
  }

  @Test
  void singleBrightPixelGivesTheHandComputedHistogram() {
    // 9 x 9 black with one white pixel in the middle: the 3 x 3 centres that have a full radius-3
    // ring. The middle one sees only darker neighbours (0 ones); each of the 8 around it sees equal
    // or brighter neighbours only (>= counts as 1), so all P bits are 1.
    int[] px = new int[81];
    px[4 * 9 + 4] = 0xFFFFFF;
    float[] luma = new float[81];
    luma[4 * 9 + 4] = 255f;
    double[] p8 = LbpColorDescriptor.lbpHistogram(luma, 9, 9, 8, 1);
    double[] expected = new double[10];
    expected[0] = 1;
    expected[8] = 8;
    assertArrayEquals(expected, p8);
    float[] d = LbpColorDescriptor.describe(Images.fromPixels(px, 9, 9));
    assertEquals(Math.sqrt(1 / 9.0), d[0], 1e-6);
    assertEquals(Math.sqrt(8 / 9.0), d[8], 1e-6);
  }

  @Test
  void colourBinsOfPureColours() {
    // Pure red has hue 0, the edge between hue bins 7 and 0: half its mass in each
    // (full saturation, top value band).
    double[] red = LbpColorDescriptor.colourHistogram(new int[] {0xFF0000});
    int sBin = 1;
    int vBin = 2;
    assertEquals(0.5, red[LbpColorDescriptor.GREYS + (0 * 2 + sBin) * 3 + vBin], 1e-6);
    assertEquals(0.5, red[LbpColorDescriptor.GREYS + (7 * 2 + sBin) * 3 + vBin], 1e-6);
    // Mid grey goes to the third of four grey levels, black to the first.
    double[] grey = LbpColorDescriptor.colourHistogram(new int[] {0x808080, 0x000000});
    assertEquals(1.0, grey[2]);
    assertEquals(1.0, grey[0]);
  }

  @Test
  void lbpBlocksAreInvariantToQuarterTurns() {
    BufferedImage texture = SyntheticTextures.generate(21, 48, 48);
    float[] a = LbpColorDescriptor.describe(texture);
    float[] b = LbpColorDescriptor.describe(Images.orient(texture, 6));
    for (int i = 0; i < a.length; i++) {
      assertEquals(a[i], b[i], 0.02, "dimension " + i);
    }
  }

  @Test
  void tooSmallImagesAreRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> LbpColorDescriptor.describe(new BufferedImage(6, 9, 1)));
    assertEquals("LBP descriptor needs at least 7 x 7 pixels, got 6 x 9", e.getMessage());
  }
}
