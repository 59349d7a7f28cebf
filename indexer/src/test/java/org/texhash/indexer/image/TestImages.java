package org.texhash.indexer.image;

import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/** Image files the tests write themselves: encoded textures and every kind of bad file. */
public final class TestImages {
  private TestImages() {}

  /**
   * {@code image} encoded by ImageIO's writer for {@code format} ("png", "jpeg", "bmp", "gif",
   * "tiff").
   */
  public static byte[] encode(BufferedImage image, String format) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      if (!ImageIO.write(image, format, out)) {
        throw new IllegalStateException(
            "no ImageIO writer for " + format + " and image type " + image.getType());
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Writes texture {@code seed} of {@code size x size} as {@code file}, format from the extension.
   */
  public static Path writeTexture(Path file, long seed, int size) throws IOException {
    String name = file.getFileName().toString();
    String format =
        switch (name.substring(name.lastIndexOf('.') + 1)) {
          case "jpg" -> "jpeg";
          case "tif" -> "tiff";
          default -> name.substring(name.lastIndexOf('.') + 1);
        };
    Files.createDirectories(file.toAbsolutePath().getParent());
    return Files.write(file, encode(SyntheticTextures.generate(seed, size, size), format));
  }

  /** The first {@code fraction} of the bytes. */
  public static byte[] truncate(byte[] data, double fraction) {
    return Arrays.copyOf(data, (int) (data.length * fraction));
  }

  /**
   * A valid 1 x 1 PNG whose header then claims {@code width x height} pixels (with a correct header
   * checksum): a decompression bomb as far as the header goes.
   */
  public static byte[] pngClaiming(int width, int height) {
    byte[] png = encode(new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB), "png");
    ByteBuffer b = ByteBuffer.wrap(png);
    // Signature (8), IHDR length (4), "IHDR" (4), then width and height.
    b.putInt(16, width);
    b.putInt(20, height);
    CRC32 crc = new CRC32();
    crc.update(png, 12, 4 + 13);
    b.putInt(12 + 4 + 13, (int) crc.getValue());
    return png;
  }

  /**
   * A CMYK JPEG, {@code width x height}, left half {@code left} ink and right half {@code right}
   * ink (C, M, Y, K in 0..255). Written as Photoshop does: an Adobe APP14 marker with transform 0
   * and inverted samples (255 = no ink). The JDK's own reader refuses such files.
   */
  public static byte[] cmykJpeg(int width, int height, int[] left, int[] right) {
    WritableRaster raster =
        Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, width, height, 4, null);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int[] ink = x < width / 2 ? left : right;
        raster.setPixel(x, y, new int[] {255 - ink[0], 255 - ink[1], 255 - ink[2], 255 - ink[3]});
      }
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
      writer.setOutput(out);
      writer.write(null, new IIOImage(raster, null, null), null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      writer.dispose();
    }
    byte[] jpeg = bytes.toByteArray();
    byte[] adobe = {
      (byte) 0xFF, (byte) 0xEE, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0
    };
    return ByteBuffer.allocate(jpeg.length + adobe.length)
        .put(jpeg, 0, 2)
        .put(adobe)
        .put(jpeg, 2, jpeg.length - 2)
        .array();
  }

  /** A 1 x 1 lossless WebP (the well-known feature-detection image; ImageIO has no WebP writer). */
  public static byte[] webpLossless1x1() {
    return java.util.Base64.getDecoder().decode("UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==");
  }

  /**
   * {@code jpeg} with an EXIF APP1 segment carrying {@code orientation}, inserted right after SOI
   * (big-endian TIFF structure, one IFD0 entry).
   */
  public static byte[] withExifOrientation(byte[] jpeg, int orientation) {
    ByteBuffer tiff = ByteBuffer.allocate(6 + 8 + 2 + 12 + 4);
    tiff.put(new byte[] {'E', 'x', 'i', 'f', 0, 0});
    tiff.put(new byte[] {'M', 'M', 0, 42}).putInt(8); // header, IFD0 at offset 8
    tiff.putShort((short) 1); // one entry
    tiff.putShort((short) 274)
        .putShort((short) 3)
        .putInt(1)
        .putShort((short) orientation)
        .putShort((short) 0);
    tiff.putInt(0); // no next IFD
    byte[] payload = tiff.array();
    ByteBuffer out = ByteBuffer.allocate(jpeg.length + 4 + payload.length);
    out.put(jpeg, 0, 2); // SOI
    out.put((byte) 0xFF).put((byte) 0xE1).putShort((short) (payload.length + 2)).put(payload);
    out.put(jpeg, 2, jpeg.length - 2);
    return out.array();
  }
}
