package org.texhash.indexer.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.twelvemonkeys.imageio.color.ColorSpaces;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import org.junit.jupiter.api.Test;

class ImagesTest {

  @Test
  void rgbImageIsReturnedAsIs() {
    BufferedImage rgb = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
    assertSame(rgb, Images.toRgb(rgb));
  }

  @Test
  void eightBitGreyIsCopiedToAllChannels() {
    BufferedImage grey = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_GRAY);
    grey.getRaster().setSample(0, 0, 0, 40);
    grey.getRaster().setSample(1, 0, 0, 200);
    // Not Java's linear-grey conversion, which would brighten 40 to about 110.
    assertArrayEquals(new int[] {0x282828, 0xC8C8C8}, Images.rgbPixels(grey));
  }

  @Test
  void sixteenBitGreyIsScaledToEightBits() {
    BufferedImage grey = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_GRAY);
    grey.getRaster().setSample(0, 0, 0, 0x8080);
    grey.getRaster().setSample(1, 0, 0, 0xFFFF);
    assertArrayEquals(new int[] {0x808080, 0xFFFFFF}, Images.rgbPixels(grey));
  }

  @Test
  void sixteenBitRgbIsScaledToEightBits() {
    ComponentColorModel cm =
        new ComponentColorModel(
            ColorSpace.getInstance(ColorSpace.CS_sRGB),
            false,
            false,
            Transparency.OPAQUE,
            DataBuffer.TYPE_USHORT);
    WritableRaster raster = cm.createCompatibleWritableRaster(1, 1);
    raster.setPixel(0, 0, new int[] {0xFFFF, 0x8000, 0x0000});
    BufferedImage image = new BufferedImage(cm, raster, false, null);
    assertArrayEquals(new int[] {0xFF8000}, Images.rgbPixels(image));
  }

  @Test
  void paletteEntriesAreLookedUpAndTransparentOnesBecomeWhite() {
    byte[] r = {(byte) 255, 0, 0};
    byte[] g = {0, (byte) 255, 0};
    byte[] b = {0, 0, (byte) 255};
    byte[] a = {(byte) 255, (byte) 255, 0};
    IndexColorModel palette = new IndexColorModel(2, 3, r, g, b, a);
    BufferedImage image = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_INDEXED, palette);
    for (int x = 0; x < 3; x++) {
      image.getRaster().setSample(x, 0, 0, x);
    }
    assertArrayEquals(new int[] {0xFF0000, 0x00FF00, 0xFFFFFF}, Images.rgbPixels(image));
  }

  @Test
  void alphaIsCompositedOntoWhite() {
    BufferedImage argb = new BufferedImage(3, 1, BufferedImage.TYPE_INT_ARGB);
    argb.setRGB(0, 0, 0xFF000000); // opaque black
    argb.setRGB(1, 0, 0x00000000); // transparent black
    argb.setRGB(2, 0, 0x80000000); // half transparent black
    assertArrayEquals(new int[] {0x000000, 0xFFFFFF, 0x7F7F7F}, Images.rgbPixels(argb));
  }

  @Test
  void greyWithAlphaIsCompositedOntoWhite() {
    ComponentColorModel cm =
        new ComponentColorModel(
            ColorSpace.getInstance(ColorSpace.CS_GRAY),
            true,
            false,
            Transparency.TRANSLUCENT,
            DataBuffer.TYPE_BYTE);
    WritableRaster raster = cm.createCompatibleWritableRaster(2, 1);
    raster.setPixel(0, 0, new int[] {0, 255});
    raster.setPixel(1, 0, new int[] {0, 0});
    assertArrayEquals(
        new int[] {0x000000, 0xFFFFFF},
        Images.rgbPixels(new BufferedImage(cm, raster, false, null)));
  }

  @Test
  void cmykIsConvertedThroughItsProfile() {
    ColorSpace cmyk = ColorSpaces.getColorSpace(ColorSpaces.CS_GENERIC_CMYK);
    ComponentColorModel cm =
        new ComponentColorModel(cmyk, false, false, Transparency.OPAQUE, DataBuffer.TYPE_BYTE);
    WritableRaster raster = cm.createCompatibleWritableRaster(3, 1);
    raster.setPixel(0, 0, new int[] {0, 0, 0, 0}); // paper
    raster.setPixel(1, 0, new int[] {0, 0, 0, 255}); // full black ink
    raster.setPixel(2, 0, new int[] {255, 0, 0, 0}); // cyan ink
    int[] px = Images.rgbPixels(new BufferedImage(cm, raster, false, null));
    assertTrue(min(px[0]) > 220, "no ink reads as near white: " + Integer.toHexString(px[0]));
    assertTrue(max(px[1]) < 80, "black ink reads as near black: " + Integer.toHexString(px[1]));
    int red = px[2] >>> 16;
    int blue = px[2] & 0xFF;
    assertTrue(
        red < 100 && blue > 180,
        "cyan ink has little red and much blue: " + Integer.toHexString(px[2]));
  }

  @Test
  void areaAveragingDownscaleIsTheBlockMean() {
    int[] px = new int[16];
    for (int i = 0; i < 16; i++) {
      int v = i * 16;
      px[i] = (v << 16) | (v << 8) | v;
    }
    int[] out = Images.rgbPixels(Images.resize(Images.fromPixels(px, 4, 4), 2, 2));
    // Top-left block holds values 0, 16, 64, 80 -> mean 40.
    int[] expected = {40, 72, 168, 200};
    for (int i = 0; i < 4; i++) {
      assertEquals(expected[i], out[i] & 0xFF, "pixel " + i);
    }
  }

  @Test
  void upscalingKeepsAConstantImageConstantAndInterpolatesLinearly() {
    int[] px = {0x000000, 0xFFFFFF};
    int[] out = Images.rgbPixels(Images.resize(Images.fromPixels(px, 2, 1), 4, 1));
    // Output centres at 0.25, 0.75, 1.25, 1.75 of the input: clamp, 1/4, 3/4, clamp.
    assertArrayEquals(
        new int[] {0, 64, 191, 255},
        new int[] {out[0] & 0xFF, out[1] & 0xFF, out[2] & 0xFF, out[3] & 0xFF});
    int[] flat =
        Images.rgbPixels(
            Images.resize(Images.fromPixels(new int[] {0x123456, 0x123456}, 2, 1), 7, 5));
    for (int p : flat) {
      assertEquals(0x123456, p);
    }
  }

  @Test
  void orientationsMakeTheImageUpright() {
    // Stored 3 x 2: a b c / d e f.
    int[] px = {1, 2, 3, 4, 5, 6};
    BufferedImage stored = Images.fromPixels(px, 3, 2);
    assertArrayEquals(px, Images.rgbPixels(Images.orient(stored, 1)));
    assertArrayEquals(new int[] {3, 2, 1, 6, 5, 4}, Images.rgbPixels(Images.orient(stored, 2)));
    assertArrayEquals(new int[] {6, 5, 4, 3, 2, 1}, Images.rgbPixels(Images.orient(stored, 3)));
    assertArrayEquals(new int[] {4, 5, 6, 1, 2, 3}, Images.rgbPixels(Images.orient(stored, 4)));
    assertArrayEquals(new int[] {1, 4, 2, 5, 3, 6}, Images.rgbPixels(Images.orient(stored, 5)));
    // 6: the camera was turned 90 degrees clockwise; turning the stored image clockwise fixes it.
    assertArrayEquals(new int[] {4, 1, 5, 2, 6, 3}, Images.rgbPixels(Images.orient(stored, 6)));
    assertArrayEquals(new int[] {6, 3, 5, 2, 4, 1}, Images.rgbPixels(Images.orient(stored, 7)));
    assertArrayEquals(new int[] {3, 6, 2, 5, 1, 4}, Images.rgbPixels(Images.orient(stored, 8)));
    assertEquals(2, Images.orient(stored, 6).getWidth());
  }

  @Test
  void cropOutsideTheImageIsRefused() {
    BufferedImage image = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Images.crop(image, 2, 2, 3));
    assertTrue(e.getMessage().contains("outside"), e.getMessage());
  }

  private static int min(int rgb) {
    return Math.min((rgb >>> 16) & 0xFF, Math.min((rgb >>> 8) & 0xFF, rgb & 0xFF));
  }

  private static int max(int rgb) {
    return Math.max((rgb >>> 16) & 0xFF, Math.max((rgb >>> 8) & 0xFF, rgb & 0xFF));
  }
}
