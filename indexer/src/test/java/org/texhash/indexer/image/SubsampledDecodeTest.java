package org.texhash.indexer.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images over 16 Mi pixels are decoded subsampled: every k-th pixel, the file's size still
 * reported.
 */
class SubsampledDecodeTest {
  @TempDir Path tmp;

  @Test
  void theFactorKeepsDecodesUnderTheCapAndShorterSidesAboveTheFloor() {
    assertEquals(1, ImageLoader.subsampling(4096, 4096), "16 Mi pixels exactly: decoded whole");
    assertEquals(2, ImageLoader.subsampling(4097, 4097));
    assertEquals(2, ImageLoader.subsampling(8192, 8192));
    assertEquals(3, ImageLoader.subsampling(8193, 8193));
    assertEquals(1, ImageLoader.subsampling(20_000, 1500), "a panorama keeps its 1500 rows");
    assertEquals(2, ImageLoader.subsampling(16_000, 2100));
    assertEquals(1, ImageLoader.subsampling(512, 512));
  }

  @Test
  void aLargePngAndJpegDecodeToEverySecondPixelOfTheFullImage() throws Exception {
    BufferedImage full = SyntheticTextures.generate(7, 4200, 4100);
    for (String format : new String[] {"png", "bmp"}) {
      byte[] data = TestImages.encode(full, format);
      ImageLoader.Decoded decoded = ImageLoader.decode(data, ImageLoader.DEFAULT_MAX_PIXELS);
      assertEquals(4200, decoded.width(), format);
      assertEquals(4100, decoded.height(), format);
      assertEquals(2100, decoded.image().getWidth(), format);
      assertEquals(2050, decoded.image().getHeight(), format);
      assertArrayEquals(
          Images.rgbPixels(Images.subsample(full, 2)), Images.rgbPixels(decoded.image()), format);
    }
    byte[] jpeg = TestImages.encode(full, "jpeg");
    BufferedImage whole =
        ImageIO.read(new ByteArrayInputStream(jpeg)); // the JDK reader, no subsampling
    ImageLoader.Decoded decoded = ImageLoader.decode(jpeg, ImageLoader.DEFAULT_MAX_PIXELS);
    assertEquals(2100, decoded.image().getWidth());
    assertArrayEquals(
        Images.rgbPixels(Images.subsample(whole, 2)), Images.rgbPixels(decoded.image()));

    Path file = Files.write(tmp.resolve("large.jpg"), jpeg);
    assertEquals(2100L * 2050, ImageLoader.decodedPixels(file));
    assertEquals(
        -1, ImageLoader.decodedPixels(Files.writeString(tmp.resolve("notes.png"), "not an image")));
  }
}
