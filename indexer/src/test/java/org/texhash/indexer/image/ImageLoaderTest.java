package org.texhash.indexer.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.twelvemonkeys.imageio.color.ColorSpaces;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.WritableRaster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageLoaderTest {
  private static final BufferedImage TEXTURE = SyntheticTextures.generate(3, 40, 30);

  @ParameterizedTest
  @ValueSource(strings = {"png", "bmp", "tiff"})
  void losslessFormatsDecodeToTheSamePixels(String format) throws Exception {
    BufferedImage decoded = ImageLoader.load(TestImages.encode(TEXTURE, format));
    assertEquals(BufferedImage.TYPE_INT_RGB, decoded.getType());
    assertArrayEquals(Images.rgbPixels(TEXTURE), Images.rgbPixels(decoded));
  }

  @ParameterizedTest
  @ValueSource(strings = {"jpeg", "gif"})
  void lossyFormatsDecodeToCloseColours(String format) throws Exception {
    BufferedImage decoded = ImageLoader.load(TestImages.encode(TEXTURE, format));
    assertEquals(40, decoded.getWidth());
    assertEquals(30, decoded.getHeight());
    assertTrue(meanAbsoluteDifference(TEXTURE, decoded) < 24, format + " differs too much");
  }

  @Test
  void webpDecodes() throws Exception {
    BufferedImage decoded = ImageLoader.load(TestImages.webpLossless1x1());
    assertEquals(1, decoded.getWidth());
    assertEquals(BufferedImage.TYPE_INT_RGB, decoded.getType());
  }

  @Test
  void sixteenBitGreyPngReadsAsItsHighByte() throws Exception {
    BufferedImage grey = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_GRAY);
    grey.getRaster().setSample(0, 0, 0, 0x1234);
    grey.getRaster().setSample(1, 0, 0, 0xF0F0);
    int[] px = Images.rgbPixels(ImageLoader.load(TestImages.encode(grey, "png")));
    assertArrayEquals(
        new int[] {0x121212, 0xF0F0F0}, px); // 0x1234 / 257 = 18.1, 0xF0F0 / 257 = 240
  }

  @Test
  void paletteGifWithATransparentEntryReadsOnWhite() throws Exception {
    byte[] r = {(byte) 200, 0, 0, 0};
    byte[] g = {0, (byte) 120, 0, 0};
    byte[] b = {0, 0, (byte) 250, 0};
    java.awt.image.IndexColorModel palette = new java.awt.image.IndexColorModel(2, 4, r, g, b, 3);
    BufferedImage image = new BufferedImage(4, 1, BufferedImage.TYPE_BYTE_BINARY, palette);
    for (int x = 0; x < 4; x++) {
      image.getRaster().setSample(x, 0, 0, x);
    }
    int[] px = Images.rgbPixels(ImageLoader.load(TestImages.encode(image, "gif")));
    assertArrayEquals(new int[] {0xC80000, 0x007800, 0x0000FA, 0xFFFFFF}, px);
  }

  @Test
  void alphaPngReadsOnWhite() throws Exception {
    BufferedImage argb = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
    argb.setRGB(0, 0, 0xFF0000FF);
    argb.setRGB(1, 0, 0x00000000);
    int[] px = Images.rgbPixels(ImageLoader.load(TestImages.encode(argb, "png")));
    assertArrayEquals(new int[] {0x0000FF, 0xFFFFFF}, px);
  }

  @Test
  void cmykTiffIsConvertedToRgb() throws Exception {
    ColorSpace cmyk = ColorSpaces.getColorSpace(ColorSpaces.CS_GENERIC_CMYK);
    ComponentColorModel cm =
        new ComponentColorModel(cmyk, false, false, Transparency.OPAQUE, DataBuffer.TYPE_BYTE);
    WritableRaster raster = cm.createCompatibleWritableRaster(2, 1);
    raster.setPixel(0, 0, new int[] {0, 0, 0, 0});
    raster.setPixel(1, 0, new int[] {0, 255, 255, 0}); // magenta + yellow ink = red
    BufferedImage image = new BufferedImage(cm, raster, false, null);
    int[] px = Images.rgbPixels(ImageLoader.load(TestImages.encode(image, "tiff")));
    assertTrue(
        (px[0] & 0xFF) > 220 && (px[0] >>> 16) > 220,
        "paper is near white: " + Integer.toHexString(px[0]));
    int r = px[1] >>> 16;
    int g = (px[1] >>> 8) & 0xFF;
    assertTrue(r > 180 && g < 100, "M+Y ink is red: " + Integer.toHexString(px[1]));
  }

  @Test
  void cmykJpegIsConvertedToRgb() throws Exception {
    byte[] jpeg = TestImages.cmykJpeg(16, 16, new int[] {0, 0, 0, 0}, new int[] {0, 255, 255, 0});
    BufferedImage decoded = ImageLoader.load(jpeg);
    int paper = decoded.getRGB(3, 8) & 0xFFFFFF;
    int red = decoded.getRGB(12, 8) & 0xFFFFFF;
    assertTrue(
        Math.min(paper >>> 16, paper & 0xFF) > 220,
        "no ink is near white: " + Integer.toHexString(paper));
    assertTrue(
        (red >>> 16) > 180 && ((red >>> 8) & 0xFF) < 100,
        "M+Y ink is red: " + Integer.toHexString(red));
  }

  @Test
  void exifOrientationTurnsAJpegUpright() throws Exception {
    // 16 x 8, left half red, right half blue; stored as if the camera was turned clockwise (6).
    BufferedImage stored = new BufferedImage(16, 8, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 8; y++) {
      for (int x = 0; x < 16; x++) {
        stored.setRGB(x, y, x < 8 ? 0xFF0000 : 0x0000FF);
      }
    }
    byte[] jpeg = TestImages.withExifOrientation(TestImages.encode(stored, "jpeg"), 6);
    assertEquals(6, ImageLoader.exifOrientation(jpeg));
    BufferedImage upright = ImageLoader.load(jpeg);
    assertEquals(8, upright.getWidth());
    assertEquals(16, upright.getHeight());
    // Turning clockwise puts the stored left (red) half on top and the right (blue) half below.
    assertTrue(isReddish(upright.getRGB(4, 3)), Integer.toHexString(upright.getRGB(4, 3)));
    assertTrue(isBluish(upright.getRGB(4, 12)), Integer.toHexString(upright.getRGB(4, 12)));
    assertEquals(1, ImageLoader.exifOrientation(TestImages.encode(stored, "jpeg")));
  }

  @Test
  void emptyFileIsRefused() {
    assertReason(new byte[0], "empty file");
  }

  @Test
  void unsupportedFormatIsRefusedWithTheFormatsThatWork() {
    String reason = assertReason("%PDF-1.7 not an image".getBytes(), "unsupported format");
    assertTrue(reason.contains("PNG") && reason.contains("WebP"), reason);
  }

  @ParameterizedTest
  @ValueSource(strings = {"png", "jpeg", "bmp", "gif", "tiff"})
  void truncatedFilesAreRefused(String format) {
    byte[] full = TestImages.encode(SyntheticTextures.generate(5, 64, 64), format);
    String reason = assertReason(TestImages.truncate(full, 0.6), "");
    assertTrue(
        reason.toLowerCase(Locale.ROOT).contains(format.equals("jpeg") ? "jpeg" : format), reason);
  }

  @Test
  void corruptJpegIsRefused() {
    byte[] jpeg = TestImages.encode(SyntheticTextures.generate(7, 64, 64), "jpeg");
    for (int i = jpeg.length / 3; i < jpeg.length / 3 + 40; i++) {
      jpeg[i] = (byte) 0xFF; // a run of marker bytes inside the entropy-coded data
    }
    assertReason(jpeg, "JPEG");
  }

  @Test
  void onlyWarningsAboutMetadataAreHarmless() {
    assertTrue(ImageLoader.isHarmless("Corrupt JPEG data: 3 extraneous bytes before marker 0xd9"));
    assertTrue(ImageLoader.isHarmless("Bad 'ICC_PROFILE' chunk count: 0. Ignoring ICC profile."));
    assertTrue(!ImageLoader.isHarmless("Truncated File - Missing EOI marker"));
    assertTrue(!ImageLoader.isHarmless("Premature end of JPEG file"));
  }

  @Test
  void pixelLimitIsCheckedBeforeDecoding() {
    // The header claims 50,000 x 50,000 = 2.5 gigapixels; decoding it would need 10 GB.
    String reason = assertReason(TestImages.pngClaiming(50_000, 50_000), "over the limit");
    assertTrue(reason.contains("2500000000"), reason);
    byte[] small = TestImages.encode(TEXTURE, "png");
    ImageDecodeException e =
        assertThrows(ImageDecodeException.class, () -> ImageLoader.load(small, 1000));
    assertTrue(e.getMessage().contains("1200 pixels"), e.getMessage());
  }

  @Test
  void missingFileIsAReason(@TempDir Path dir) {
    ImageDecodeException e =
        assertThrows(ImageDecodeException.class, () -> ImageLoader.load(dir.resolve("nope.png")));
    assertEquals("no such file", e.getMessage());
  }

  @Test
  void filesAreReadFromDisk(@TempDir Path dir) throws Exception {
    Path file = Files.write(dir.resolve("t.png"), TestImages.encode(TEXTURE, "png"));
    assertArrayEquals(Images.rgbPixels(TEXTURE), Images.rgbPixels(ImageLoader.load(file)));
  }

  private static String assertReason(byte[] data, String expected) {
    ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> ImageLoader.load(data));
    assertTrue(
        e.getMessage().contains(expected),
        "reason '" + e.getMessage() + "' lacks '" + expected + "'");
    return e.getMessage();
  }

  private static boolean isReddish(int rgb) {
    return ((rgb >>> 16) & 0xFF) > 180 && (rgb & 0xFF) < 80;
  }

  private static boolean isBluish(int rgb) {
    return ((rgb >>> 16) & 0xFF) < 80 && (rgb & 0xFF) > 180;
  }

  private static double meanAbsoluteDifference(BufferedImage a, BufferedImage b) {
    int[] x = Images.rgbPixels(a);
    int[] y = Images.rgbPixels(b);
    long sum = 0;
    for (int i = 0; i < x.length; i++) {
      for (int s = 0; s < 24; s += 8) {
        sum += Math.abs(((x[i] >>> s) & 0xFF) - ((y[i] >>> s) & 0xFF));
      }
    }
    return sum / (3.0 * x.length);
  }
}
