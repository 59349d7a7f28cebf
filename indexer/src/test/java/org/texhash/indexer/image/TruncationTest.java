package org.texhash.indexer.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.texhash.indexer.encoder.Encoder;
import org.texhash.indexer.encoder.Encoders;
import org.texhash.indexer.encoder.ImageCodes;
import org.texhash.lucene.HashCode;

/**
 * A real file of every format and variant the loader reads, cut at many points: each cut is either
 * refused with a reason or (never seen, but allowed: a cut inside metadata after the pixels) gives
 * exactly the intact file's code. A cut file that decodes to a different code would index a wrong
 * document, which is what this test exists to catch.
 */
class TruncationTest {
  private static Encoder encoder;

  @BeforeAll
  static void openEncoder() throws IOException {
    encoder = Encoders.open("lbp-lsh-64");
  }

  @AfterAll
  static void closeEncoder() {
    encoder.close();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "png",
        "png-interlaced",
        "jpeg",
        "jpeg-progressive",
        "gif",
        "gif-animated",
        "bmp",
        "tiff",
        "tiff-multipage",
        "webp-lossless",
        "webp-lossy",
        "webp-animated"
      })
  void everyCutIsRefusedOrGivesTheIntactCode(String variant) throws Exception {
    byte[] whole = file(variant);
    HashCode intact = ImageCodes.code(encoder, ImageLoader.load(whole));
    int refused = 0;
    List<Integer> cuts = cutPoints(whole.length);
    for (int cut : cuts) {
      byte[] part = Arrays.copyOf(whole, cut);
      BufferedImage image;
      try {
        image = ImageLoader.load(part);
      } catch (ImageDecodeException e) {
        assertTrue(
            e.getMessage() != null && !e.getMessage().isBlank(),
            variant + " cut at " + cut + ": no reason");
        refused++;
        continue;
      }
      assertEquals(
          intact,
          ImageCodes.code(encoder, image),
          variant
              + " cut at "
              + cut
              + " of "
              + whole.length
              + " bytes decoded to a different code");
    }
    assertTrue(
        refused > cuts.size() / 2,
        variant + ": only " + refused + " of " + cuts.size() + " cuts refused");
  }

  @Test
  void truncatedWebpSaysSo() {
    byte[] whole = resource("ceramic-lossless.webp");
    ImageDecodeException e =
        assertThrows(
            ImageDecodeException.class,
            () -> ImageLoader.load(Arrays.copyOf(whole, whole.length / 2)));
    assertTrue(
        e.getMessage().startsWith("corrupt or truncated WebP: the RIFF header says"),
        e.getMessage());
  }

  @Test
  void aVp8ChunkLongerThanTheFileIsRefused() {
    byte[] lossy = resource("ceramic-lossy.webp");
    int chunk = chunkOffset(lossy, "VP8 ");
    ByteBuffer.wrap(lossy).order(ByteOrder.LITTLE_ENDIAN).putInt(chunk + 4, 0x7FFFFFF0);
    ImageDecodeException e =
        assertThrows(ImageDecodeException.class, () -> ImageLoader.load(lossy));
    assertTrue(e.getMessage().contains("runs past the end"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void aGarbageBodyBehindValidWebpHeadersIsRefused(long seed) {
    for (String name : List.of("ceramic-lossy.webp", "ceramic-lossless.webp")) {
      byte[] webp = resource(name);
      int body = chunkOffset(webp, name.contains("lossy") ? "VP8 " : "VP8L") + 8;
      byte[] garbage = new byte[webp.length - body];
      new Random(seed).nextBytes(garbage);
      System.arraycopy(garbage, 0, webp, body, garbage.length);
      assertThrows(
          ImageDecodeException.class, () -> ImageLoader.load(webp), name + " seed " + seed);
    }
  }

  @Test
  void aVp8FrameWhosePartitionsOverrunTheChunkIsRefused() {
    byte[] lossy = resource("ceramic-lossy.webp");
    int payload = chunkOffset(lossy, "VP8 ") + 8;
    int size = ByteBuffer.wrap(lossy).order(ByteOrder.LITTLE_ENDIAN).getInt(payload - 4);
    // First partition size (19 bits after 5 flag bits of the 3-byte frame tag) set to the whole
    // chunk.
    int tag = (lossy[payload] & 0x1F) | size << 5;
    lossy[payload] = (byte) tag;
    lossy[payload + 1] = (byte) (tag >>> 8);
    lossy[payload + 2] = (byte) (tag >>> 16);
    ImageDecodeException e =
        assertThrows(ImageDecodeException.class, () -> ImageLoader.load(lossy));
    assertTrue(e.getMessage().contains("VP8 first partition"), e.getMessage());
  }

  @Test
  void anUncompressedTiffStripShorterThanItsRowsIsRefused() throws Exception {
    byte[] tiff = file("tiff-multipage");
    assertEquals(256, ImageLoader.load(tiff).getWidth(), "a short last strip is normal");
    ByteBuffer b =
        ByteBuffer.wrap(tiff)
            .order(tiff[0] == 'I' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
    int ifd = b.getInt(4);
    for (int i = 0; i < b.getShort(ifd); i++) {
      int at = ifd + 2 + 12 * i;
      if (b.getShort(at) == 279) { // StripByteCounts: shorten the first strip by one byte
        int values =
            b.getInt(at + 4) * (b.getShort(at + 2) == 3 ? 2 : 4) <= 4 ? at + 8 : b.getInt(at + 8);
        if (b.getShort(at + 2) == 3) {
          b.putShort(values, (short) (b.getShort(values) - 1));
        } else {
          b.putInt(values, b.getInt(values) - 1);
        }
      }
    }
    ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> ImageLoader.load(tiff));
    assertTrue(e.getMessage().contains("strip 0 holds"), e.getMessage());
  }

  @Test
  void bytesAfterTheEndMarkerAreAllowed() throws Exception {
    for (String variant : List.of("png", "jpeg", "gif", "webp-lossy")) {
      byte[] whole = file(variant);
      byte[] padded = Arrays.copyOf(whole, whole.length + 100);
      assertEquals(
          ImageCodes.code(encoder, ImageLoader.load(whole)),
          ImageCodes.code(encoder, ImageLoader.load(padded)),
          variant);
    }
  }

  /**
   * Every cut of a small file; for a larger one the first and last 96 bytes and 300 evenly in
   * between.
   */
  private static List<Integer> cutPoints(int length) {
    TreeSet<Integer> cuts = new TreeSet<>();
    if (length <= 2048) {
      for (int i = 0; i < length; i++) {
        cuts.add(i);
      }
    } else {
      for (int i = 0; i < 96; i++) {
        cuts.add(i);
        cuts.add(length - 1 - i);
      }
      for (int i = 0; i < 300; i++) {
        cuts.add((int) ((long) length * i / 300));
      }
    }
    return new ArrayList<>(cuts);
  }

  private static byte[] file(String variant) {
    BufferedImage a = SyntheticTextures.generate(11, 96, 80);
    BufferedImage b = SyntheticTextures.generate(12, 96, 80);
    return switch (variant) {
      case "png", "jpeg", "gif", "bmp", "tiff" -> TestImages.encode(a, variant);
      case "png-interlaced" -> write("png", true, a);
      case "jpeg-progressive" -> write("jpeg", true, a);
      case "gif-animated" -> write("gif", false, a, b);
      // 256 wide: the JDK writer puts 10 rows in a strip, so the last strip is short (as it should
      // be).
      case "tiff-multipage" -> write("tiff", false, SyntheticTextures.generate(13, 256, 200), b);
      case "webp-lossless" -> resource("ceramic-lossless.webp");
      case "webp-lossy" -> resource("ceramic-lossy.webp");
      case "webp-animated" -> resource("animated.webp");
      default -> throw new IllegalArgumentException(variant);
    };
  }

  /**
   * Images in one file of {@code format}: progressive (interlaced) when asked, a sequence when
   * several.
   */
  private static byte[] write(String format, boolean progressive, BufferedImage... images) {
    ImageWriter writer = ImageIO.getImageWritersByFormatName(format).next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
      writer.setOutput(out);
      ImageWriteParam param = writer.getDefaultWriteParam();
      if (progressive) {
        param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
      }
      if (images.length == 1) {
        writer.write(null, new IIOImage(images[0], null, null), param);
      } else {
        writer.prepareWriteSequence(null);
        for (BufferedImage image : images) {
          writer.writeToSequence(new IIOImage(image, null, null), param);
        }
        writer.endWriteSequence();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }

  static byte[] resource(String name) {
    try (InputStream in = TruncationTest.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int chunkOffset(byte[] webp, String type) {
    for (int i = 12; i + 4 <= webp.length; i++) {
      if (new String(webp, i, 4, java.nio.charset.StandardCharsets.ISO_8859_1).equals(type)) {
        return i;
      }
    }
    throw new IllegalStateException(type + " chunk not found");
  }
}
