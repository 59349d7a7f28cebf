package org.texhash.cli.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.texhash.indexer.image.Images;
import org.texhash.indexer.image.SyntheticTextures;

class ThumbnailsTest {
  @Test
  void scaledKeepsTheAspectRatioAndLeavesSmallImagesAlone() {
    BufferedImage wide = SyntheticTextures.generate(3, 3000, 1000);
    BufferedImage thumb = Thumbnails.scaled(wide, 256);
    assertEquals(256, thumb.getWidth());
    assertEquals(85, thumb.getHeight());
    BufferedImage small = SyntheticTextures.generate(4, 100, 80);
    assertSame(small, Thumbnails.scaled(small, 256));
  }

  @Test
  void boxShrinkKeepsTheMeanColour() {
    int[] px = new int[1200 * 1200];
    for (int i = 0; i < px.length; i++) {
      px[i] =
          ((i / 1200 + i % 1200) % 2 == 0) ? 0xFF0000 : 0x0000FF; // a checkerboard of red and blue
    }
    BufferedImage thumb = Thumbnails.scaled(Images.fromPixels(px, 1200, 1200), 100);
    int centre = thumb.getRGB(50, 50) & 0xFFFFFF;
    assertEquals(0x80, (centre >>> 16) & 0xFF, 1.0, "red halves");
    assertEquals(0x80, centre & 0xFF, 1.0, "blue halves");
    assertEquals(0, (centre >>> 8) & 0xFF);
  }

  @Test
  void jpegDecodes() throws IOException {
    byte[] jpeg = Thumbnails.jpeg(SyntheticTextures.generate(5, 512, 512), 128);
    BufferedImage back = ImageIO.read(new ByteArrayInputStream(jpeg));
    assertEquals(128, back.getWidth());
    assertTrue(jpeg.length < 30_000, "a thumbnail is small: " + jpeg.length);
  }

  @Test
  void cacheDropsLeastRecentlyUsedPastItsBudget() {
    ThumbnailCache cache = new ThumbnailCache(100);
    cache.put("a", new byte[40]);
    cache.put("b", new byte[40]);
    assertArrayEquals(new byte[40], cache.get("a")); // a is now the most recent
    cache.put("c", new byte[40]);
    assertNull(cache.get("b"), "b was least recently used");
    assertEquals(80, cache.bytes());
    assertEquals(2, cache.size());
    cache.put("huge", new byte[101]);
    assertNull(cache.get("huge"), "larger than the whole budget: not kept");
    cache.put("a", new byte[10]);
    assertEquals(50, cache.bytes(), "a replaced, not added");
  }
}
