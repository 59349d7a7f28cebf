package org.texhash.indexer.encoder.classic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.texhash.indexer.image.Images;
import org.texhash.indexer.image.SyntheticTextures;
import org.texhash.lucene.HashCode;

class LbpLshEncoderTest {

  @Test
  void idsAndShape() {
    LbpLshEncoder e = new LbpLshEncoder(64);
    assertEquals("lbp-lsh-64", e.id());
    assertEquals(64, e.bits());
    assertEquals(64, e.inputSize());
    assertEquals("lbp-lsh-32-s32", new LbpLshEncoder(32, 32).id());
  }

  @Test
  void featuresAreTheProjectionOfTheCentredDescriptor() {
    LbpLshEncoder e = new LbpLshEncoder(32);
    BufferedImage patch = SyntheticTextures.generate(99, 64, 64);
    float[] x = LbpColorDescriptor.describe(patch);
    float[] mu = LbpLshEncoder.referenceMean(64);
    float[][] r = LbpLshEncoder.hyperplanes(32, x.length);
    float[] f = e.features(List.of(patch))[0];
    for (int b = 0; b < 32; b++) {
      double s = 0;
      for (int d = 0; d < x.length; d++) {
        s += r[b][d] * (x[d] - mu[d]);
      }
      assertEquals(s, f[b], 1e-4, "bit " + b);
    }
  }

  @Test
  void shorterCodesArePrefixesOfLongerOnes() {
    List<BufferedImage> patches = textures(100, 12);
    List<HashCode> c32 = new LbpLshEncoder(32).encode(patches);
    List<HashCode> c256 = new LbpLshEncoder(256).encode(patches);
    for (int i = 0; i < patches.size(); i++) {
      for (int b = 0; b < 32; b++) {
        assertEquals(c256.get(i).bit(b), c32.get(i).bit(b));
      }
    }
  }

  @Test
  void batchAndSingleEncodingAgreeAndAreDeterministic() {
    List<BufferedImage> patches = textures(200, 10);
    List<HashCode> batch = new LbpLshEncoder(64).encode(patches);
    for (int i = 0; i < patches.size(); i++) {
      assertEquals(batch.get(i), new LbpLshEncoder(64).encode(List.of(patches.get(i))).get(0));
    }
  }

  @Test
  void bitsSplitTexturesTheReferenceNeverSaw() {
    // Seeds far from the reference set's 0..255: every bit should be neither always 0 nor always 1.
    List<HashCode> codes = new LbpLshEncoder(64).encode(textures(50_000, 160));
    double meanImbalance = 0;
    for (int b = 0; b < 64; b++) {
      int ones = 0;
      for (HashCode c : codes) {
        ones += c.bit(b) ? 1 : 0;
      }
      double p = ones / (double) codes.size();
      assertTrue(p > 0.02 && p < 0.98, "bit " + b + " is almost constant: " + p);
      meanImbalance += Math.abs(p - 0.5) / 64;
    }
    assertTrue(meanImbalance < 0.2, "mean |P(bit) - 1/2| = " + meanImbalance);
  }

  @Test
  void cropsOfOneTextureAreCloserThanCropsOfDifferentTextures() {
    LbpLshEncoder e = new LbpLshEncoder(64);
    int classes = 12;
    List<List<HashCode>> perClass = new ArrayList<>();
    for (int c = 0; c < classes; c++) {
      BufferedImage big = SyntheticTextures.generate(70_000 + c, 192, 192);
      List<BufferedImage> crops = new ArrayList<>();
      for (int y = 0; y <= 128; y += 64) {
        for (int x = 0; x <= 128; x += 64) {
          crops.add(Images.crop(big, x, y, 64));
        }
      }
      perClass.add(e.encode(crops));
    }
    double same = 0;
    double other = 0;
    int nSame = 0;
    int nOther = 0;
    for (int c = 0; c < classes; c++) {
      for (int d = 0; d < classes; d++) {
        for (HashCode a : perClass.get(c)) {
          for (HashCode b : perClass.get(d)) {
            if (c == d) {
              same += a.distance(b);
              nSame++;
            } else {
              other += a.distance(b);
              nOther++;
            }
          }
        }
      }
    }
    assertTrue(
        same / nSame < 0.6 * (other / nOther), "same " + same / nSame + " other " + other / nOther);
  }

  @Test
  void badArgumentsAreRefusedWithTheField() {
    IllegalArgumentException bits =
        assertThrows(IllegalArgumentException.class, () -> new LbpLshEncoder(48));
    assertTrue(bits.getMessage().contains("[32, 64, 128, 256]"), bits.getMessage());
    IllegalArgumentException size =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new LbpLshEncoder(32)
                    .features(List.of(new BufferedImage(64, 63, BufferedImage.TYPE_INT_RGB))));
    assertEquals("patch 0 is 64 x 63, lbp-lsh-32 expects 64 x 64", size.getMessage());
  }

  private static List<BufferedImage> textures(long firstSeed, int n) {
    List<BufferedImage> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(SyntheticTextures.generate(firstSeed + i, 64, 64));
    }
    return out;
  }
}
