package org.texhash.indexer.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.texhash.indexer.encoder.classic.LbpLshEncoder;
import org.texhash.indexer.image.Images;
import org.texhash.indexer.image.SyntheticTextures;
import org.texhash.lucene.HashCode;

class ImageCodesTest {

  @Test
  void aPatchOfTheInputSizeIsItsOnlyCrop() {
    BufferedImage patch = SyntheticTextures.generate(1, 32, 32);
    List<BufferedImage> crops = ImageCodes.crops(patch, 32);
    assertEquals(1, crops.size());
    assertArrayEquals(Images.rgbPixels(patch), Images.rgbPixels(crops.get(0)));
    LbpLshEncoder encoder = new LbpLshEncoder(64, 32);
    assertEquals(encoder.encode(List.of(patch)).get(0), ImageCodes.code(encoder, patch));
  }

  @Test
  void gridSpansTheImageEdgeToEdge() {
    BufferedImage image = SyntheticTextures.generate(2, 512, 512);
    List<BufferedImage> crops = ImageCodes.crops(image, 64);
    assertEquals(16, crops.size());
    // Offsets 0, 149, 299, 448 on both axes, row by row.
    assertArrayEquals(
        Images.rgbPixels(Images.crop(image, 0, 0, 64)), Images.rgbPixels(crops.get(0)));
    assertArrayEquals(
        Images.rgbPixels(Images.crop(image, 149, 0, 64)), Images.rgbPixels(crops.get(1)));
    assertArrayEquals(
        Images.rgbPixels(Images.crop(image, 448, 448, 64)), Images.rgbPixels(crops.get(15)));
  }

  @Test
  void largeImagesAreBroughtDownToEightPatchSizes() {
    BufferedImage image = SyntheticTextures.generate(3, 1024, 2048);
    List<BufferedImage> crops = ImageCodes.crops(image, 64);
    assertEquals(16, crops.size());
    BufferedImage scaled = Images.resize(image, 512, 1024);
    assertArrayEquals(
        Images.rgbPixels(Images.crop(scaled, 0, 960, 64)), Images.rgbPixels(crops.get(12)));
  }

  @Test
  void smallAndElongatedImagesAreHandled() {
    assertEquals(1, ImageCodes.crops(SyntheticTextures.generate(4, 10, 12), 64).size()); // upscaled
    assertEquals(4, ImageCodes.crops(SyntheticTextures.generate(5, 300, 70), 64).size()); // 4 x 1
    assertEquals(2, ImageCodes.crops(SyntheticTextures.generate(6, 130, 64), 64).size());
  }

  @Test
  void theCodeIsTheSignOfTheMeanOfTheCropFeatures() {
    LbpLshEncoder encoder = new LbpLshEncoder(32);
    BufferedImage image = SyntheticTextures.generate(7, 200, 140);
    float[][] f = encoder.features(ImageCodes.crops(image, 64));
    float[] mean = new float[32];
    for (float[] row : f) {
      for (int i = 0; i < 32; i++) {
        mean[i] += row[i] / f.length;
      }
    }
    assertEquals(HashCode.fromSigns(mean), ImageCodes.code(encoder, image));
  }

  @Test
  void poolingRefusesNothingAndRaggedRows() {
    assertThrows(IllegalArgumentException.class, () -> ImageCodes.pool(new float[0][]));
    assertThrows(
        IllegalArgumentException.class, () -> ImageCodes.pool(new float[][] {{1, 2}, {1}}));
  }
}
