package org.texhash.indexer.image;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Whether an encoded image is whole, by walking its container to the end marker before any pixel is
 * decoded. Decoders are lenient in different ways (the WebP reader decodes a cut-off stream as if
 * the missing bytes were zeros, a GIF or TIFF reader stops after the first frame or page), so a
 * truncated or overrun file is caught here, the same way for every format:
 *
 * <ul>
 *   <li><b>PNG</b>: chunks from the signature to {@code IEND}, each within the file;
 *   <li><b>JPEG</b>: markers from SOI to EOI, through the entropy-coded data of every scan
 *       (progressive JPEGs have many);
 *   <li><b>GIF</b>: blocks and sub-blocks of every frame to the trailer {@code 0x3B};
 *   <li><b>BMP</b>: the pixel array (offset, stride x height, or the stated size when compressed)
 *       within the file;
 *   <li><b>TIFF</b>: every IFD of the chain (every page), each strip or tile within the file, and
 *       each uncompressed strip as long as its rows;
 *   <li><b>WebP</b>: the RIFF size within the file, every chunk (and every frame's sub-chunks)
 *       within the RIFF, and a VP8 (lossy) frame's header: key-frame start code, first partition
 *       and DCT partition table within the chunk.
 * </ul>
 *
 * Bytes after the end marker are allowed (cameras and editors append data); a cut anywhere before
 * it is not, so a truncated file is refused even when the cut only lost trailing metadata.
 */
final class StreamCheck {
  private StreamCheck() {}

  /**
   * Throws the reason when {@code data}, an image in {@code format} (as ImageLoader names it), is
   * not whole.
   */
  static void requireWhole(byte[] data, String format) throws ImageDecodeException {
    String problem =
        switch (format) {
          case "PNG" -> png(data);
          case "JPEG" -> jpeg(data);
          case "GIF" -> gif(data);
          case "BMP" -> bmp(data);
          case "TIFF" -> tiff(data);
          case "WebP" -> webp(data);
          default -> null;
        };
    if (problem != null) {
      throw new ImageDecodeException("corrupt or truncated " + format + ": " + problem);
    }
  }

  // PNG ------------------------------------------------------------------------------------------

  private static String png(byte[] d) {
    int pos = 8;
    while (true) {
      if (pos + 8 > d.length) {
        return ended(d, "before the IEND chunk");
      }
      long length = u32be(d, pos);
      String type = new String(d, pos + 4, 4, StandardCharsets.ISO_8859_1);
      long end = pos + 12 + length; // length, type, data, CRC
      if (end > d.length) {
        return String.format(
            Locale.ROOT,
            "chunk %s of %d bytes at offset %d runs past the end of the file (%d bytes)",
            type,
            length,
            pos,
            d.length);
      }
      if (type.equals("IEND")) {
        return null;
      }
      pos = (int) end;
    }
  }

  // JPEG -----------------------------------------------------------------------------------------

  private static String jpeg(byte[] d) {
    if (d.length < 2 || u8(d, 0) != 0xFF || u8(d, 1) != 0xD8) {
      return "no start-of-image marker";
    }
    int pos = 2;
    while (true) {
      while (pos < d.length && u8(d, pos) != 0xFF) {
        pos++; // stray bytes between segments: decoders skip them with a warning
      }
      while (pos < d.length && u8(d, pos) == 0xFF) {
        pos++; // fill bytes
      }
      if (pos >= d.length) {
        return ended(d, "before the end-of-image marker");
      }
      int marker = u8(d, pos++);
      if (marker == 0xD9) {
        return null;
      }
      if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
        continue; // no length
      }
      if (pos + 2 > d.length) {
        return ended(d, "inside a marker");
      }
      int length = u16be(d, pos);
      if (length < 2 || pos + length > d.length) {
        return String.format(
            Locale.ROOT,
            "segment FF%02X of %d bytes at offset %d runs past the end of the file (%d bytes)",
            marker,
            length,
            pos - 2,
            d.length);
      }
      pos += length;
      if (marker == 0xDA) {
        pos = afterEntropyData(d, pos);
      }
    }
  }

  /** The offset of the first marker (other than a restart marker) after a scan's coded data. */
  private static int afterEntropyData(byte[] d, int pos) {
    while (pos + 1 < d.length) {
      if (u8(d, pos) == 0xFF) {
        int next = u8(d, pos + 1);
        if (next != 0x00 && next != 0xFF && !(next >= 0xD0 && next <= 0xD7)) {
          return pos;
        }
      }
      pos++;
    }
    return d.length;
  }

  // GIF ------------------------------------------------------------------------------------------

  private static String gif(byte[] d) {
    if (d.length < 13) {
      return ended(d, "inside the header");
    }
    int pos = 13;
    int flags = u8(d, 10);
    if ((flags & 0x80) != 0) {
      pos += 3 * (1 << ((flags & 7) + 1)); // global colour table
    }
    while (true) {
      if (pos >= d.length) {
        return ended(d, "before the trailer");
      }
      int block = u8(d, pos++);
      switch (block) {
        case 0x3B:
          return null;
        case 0x00: // stray padding between blocks, which decoders skip
          break;
        case 0x21: // extension: label, then sub-blocks
          pos = subBlocks(d, pos + 1);
          break;
        case 0x2C: // image descriptor, optional local colour table, LZW minimum code size,
          // sub-blocks
          if (pos + 9 > d.length) {
            return ended(d, "inside an image descriptor");
          }
          int local = u8(d, pos + 8);
          pos += 9;
          if ((local & 0x80) != 0) {
            pos += 3 * (1 << ((local & 7) + 1));
          }
          pos = subBlocks(d, pos + 1);
          break;
        default:
          return String.format(Locale.ROOT, "unknown block 0x%02X at offset %d", block, pos - 1);
      }
      if (pos < 0) {
        return ended(d, "inside a data block");
      }
    }
  }

  /**
   * The offset after a chain of sub-blocks ending in a zero-length one, or -1 when it is cut off.
   */
  private static int subBlocks(byte[] d, int pos) {
    while (pos < d.length) {
      int size = u8(d, pos);
      pos += 1 + size;
      if (size == 0) {
        return pos;
      }
    }
    return -1;
  }

  // BMP ------------------------------------------------------------------------------------------

  private static String bmp(byte[] d) {
    if (d.length < 30) {
      return ended(d, "inside the header");
    }
    ByteBuffer b = ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN);
    long pixelsAt = b.getInt(10) & 0xFFFFFFFFL;
    long headerSize = b.getInt(14) & 0xFFFFFFFFL;
    long needed;
    if (headerSize == 12) { // OS/2 BITMAPCOREHEADER
      int width = b.getShort(18) & 0xFFFF;
      int height = b.getShort(20) & 0xFFFF;
      int bits = b.getShort(24) & 0xFFFF;
      needed = stride(width, bits) * height;
    } else {
      if (d.length < 38) {
        return ended(d, "inside the header");
      }
      long width = Math.abs((long) b.getInt(18));
      long height = Math.abs((long) b.getInt(22));
      int bits = b.getShort(28) & 0xFFFF;
      int compression = b.getInt(30);
      long stated = b.getInt(34) & 0xFFFFFFFFL;
      boolean raw =
          compression == 0
              || compression == 3
              || compression == 6; // RGB, BITFIELDS, ALPHABITFIELDS
      needed = raw ? stride(width, bits) * height : stated;
    }
    if (pixelsAt + needed > d.length) {
      return String.format(
          Locale.ROOT,
          "the pixel data needs %d bytes from offset %d, the file has %d",
          needed,
          pixelsAt,
          d.length);
    }
    return null;
  }

  private static long stride(long width, int bits) {
    return (width * bits + 31) / 32 * 4;
  }

  // TIFF -----------------------------------------------------------------------------------------

  private static final int STRIP_OFFSETS = 273;
  private static final int STRIP_BYTE_COUNTS = 279;
  private static final int TILE_OFFSETS = 324;
  private static final int TILE_BYTE_COUNTS = 325;
  private static final int IMAGE_WIDTH = 256;
  private static final int IMAGE_LENGTH = 257;
  private static final int BITS_PER_SAMPLE = 258;
  private static final int COMPRESSION = 259;
  private static final int SAMPLES_PER_PIXEL = 277;
  private static final int ROWS_PER_STRIP = 278;
  private static final int PLANAR_CONFIGURATION = 284;
  private static final Set<Integer> TAGS_READ =
      Set.of(
          STRIP_OFFSETS,
          STRIP_BYTE_COUNTS,
          TILE_OFFSETS,
          TILE_BYTE_COUNTS,
          IMAGE_WIDTH,
          IMAGE_LENGTH,
          BITS_PER_SAMPLE,
          COMPRESSION,
          SAMPLES_PER_PIXEL,
          ROWS_PER_STRIP,
          PLANAR_CONFIGURATION);
  private static final int MAX_PAGES = 10_000;

  private static String tiff(byte[] d) {
    if (d.length < 8) {
      return ended(d, "inside the header");
    }
    ByteBuffer b =
        ByteBuffer.wrap(d).order(u8(d, 0) == 'I' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
    if ((b.getShort(2) & 0xFFFF) == 43) {
      return null; // BigTIFF: left to the reader
    }
    long ifd = b.getInt(4) & 0xFFFFFFFFL;
    for (int page = 1; ifd != 0; page++) {
      if (page > MAX_PAGES) {
        return "more than " + MAX_PAGES + " pages (a loop in the page chain?)";
      }
      if (ifd + 2 > d.length) {
        return String.format(
            Locale.ROOT,
            "page %d's directory at offset %d is past the end of the file (%d bytes)",
            page,
            ifd,
            d.length);
      }
      int entries = b.getShort((int) ifd) & 0xFFFF;
      long next = ifd + 2 + 12L * entries;
      if (next + 4 > d.length) {
        return String.format(
            Locale.ROOT,
            "page %d's directory runs past the end of the file (%d bytes)",
            page,
            d.length);
      }
      Map<Integer, long[]> tags = new HashMap<>();
      for (int i = 0; i < entries; i++) {
        int at = (int) (ifd + 2 + 12L * i);
        int tag = b.getShort(at) & 0xFFFF;
        if (TAGS_READ.contains(tag)) {
          long[] v = values(b, at);
          if (v == null) {
            return String.format(
                Locale.ROOT,
                "page %d's tag %d points past the end of the file (%d bytes)",
                page,
                tag,
                d.length);
          }
          tags.put(tag, v);
        }
      }
      String problem = pieces(d.length, page, tags.get(STRIP_OFFSETS), tags.get(STRIP_BYTE_COUNTS));
      if (problem == null) {
        problem = pieces(d.length, page, tags.get(TILE_OFFSETS), tags.get(TILE_BYTE_COUNTS));
      }
      if (problem == null) {
        problem = uncompressedStrips(page, tags);
      }
      if (problem != null) {
        return problem;
      }
      ifd = b.getInt((int) next) & 0xFFFFFFFFL;
    }
    return null;
  }

  /**
   * For uncompressed strips: each holds the bytes of its rows (the last strip only the rows that
   * remain). The TIFF reader pads a short strip silently after a warning that does not tell a short
   * last strip, which is normal, from a cut one, so the check is made here.
   */
  private static String uncompressedStrips(int page, Map<Integer, long[]> tags) {
    long[] counts = tags.get(STRIP_BYTE_COUNTS);
    if (counts == null || first(tags, COMPRESSION, 1) != 1) {
      return null;
    }
    long width = first(tags, IMAGE_WIDTH, 0);
    long height = first(tags, IMAGE_LENGTH, 0);
    long rowsPerStrip = Math.min(height, first(tags, ROWS_PER_STRIP, height));
    long[] bits = tags.getOrDefault(BITS_PER_SAMPLE, new long[] {1});
    long samples = first(tags, SAMPLES_PER_PIXEL, 1);
    boolean planar = first(tags, PLANAR_CONFIGURATION, 1) == 2;
    if (width < 1 || height < 1 || rowsPerStrip < 1) {
      return null; // the reader reports a bad size
    }
    long pixelBits =
        planar ? bits[0] : bits.length == samples ? Arrays.stream(bits).sum() : bits[0] * samples;
    long rowBytes = (width * pixelBits + 7) / 8;
    long stripsPerPlane = (height + rowsPerStrip - 1) / rowsPerStrip;
    for (int i = 0; i < counts.length; i++) {
      long rows = Math.min(rowsPerStrip, height - (i % stripsPerPlane) * rowsPerStrip);
      if (rows > 0 && counts[i] < rows * rowBytes) {
        return String.format(
            Locale.ROOT,
            "page %d's strip %d holds %d bytes, its %d rows need %d",
            page,
            i,
            counts[i],
            rows,
            rows * rowBytes);
      }
    }
    return null;
  }

  private static long first(Map<Integer, long[]> tags, int tag, long otherwise) {
    long[] v = tags.get(tag);
    return v == null || v.length == 0 ? otherwise : v[0];
  }

  private static String pieces(int length, int page, long[] offsets, long[] counts) {
    if (offsets == null || counts == null) {
      return null;
    }
    for (int i = 0; i < Math.min(offsets.length, counts.length); i++) {
      if (offsets[i] + counts[i] > length) {
        return String.format(
            Locale.ROOT,
            "page %d's data block %d (%d bytes at offset %d) runs past the end of the file (%d"
                + " bytes)",
            page,
            i,
            counts[i],
            offsets[i],
            length);
      }
    }
    return null;
  }

  /**
   * The SHORT or LONG values of the IFD entry at {@code at}, or null when they lie outside the
   * file.
   */
  private static long[] values(ByteBuffer b, int at) {
    int type = b.getShort(at + 2) & 0xFFFF;
    long count = b.getInt(at + 4) & 0xFFFFFFFFL;
    int width = type == 3 ? 2 : 4;
    long bytes = count * width;
    long start = bytes <= 4 ? at + 8 : b.getInt(at + 8) & 0xFFFFFFFFL;
    if (start + bytes > b.capacity() || count > Integer.MAX_VALUE) {
      return null;
    }
    long[] out = new long[(int) count];
    for (int i = 0; i < count; i++) {
      int p = (int) (start + (long) i * width);
      out[i] = type == 3 ? b.getShort(p) & 0xFFFF : b.getInt(p) & 0xFFFFFFFFL;
    }
    return out;
  }

  // WebP -----------------------------------------------------------------------------------------

  private static String webp(byte[] d) {
    if (d.length < 12) {
      return ended(d, "inside the RIFF header");
    }
    long riffEnd = 8 + u32le(d, 4);
    if (riffEnd > d.length) {
      return String.format(
          Locale.ROOT, "the RIFF header says %d bytes, the file has %d", riffEnd, d.length);
    }
    return webpChunks(d, 12, (int) riffEnd, true);
  }

  /** Checks the chunks in [from, to): each within bounds, and an image chunk among them. */
  private static String webpChunks(byte[] d, int from, int to, boolean topLevel) {
    boolean image = false;
    boolean animated = false;
    int pos = from;
    while (pos < to) {
      if (pos + 8 > to) {
        return String.format(Locale.ROOT, "a chunk header at offset %d is cut off", pos);
      }
      String type = new String(d, pos, 4, StandardCharsets.ISO_8859_1);
      long size = u32le(d, pos + 4);
      long end = pos + 8 + size;
      if (end > to) {
        return String.format(
            Locale.ROOT,
            "chunk %s of %d bytes at offset %d runs past the end of its container (%d)",
            type.strip(),
            size,
            pos,
            to);
      }
      String problem = null;
      switch (type) {
        case "VP8 " -> {
          image = true;
          problem = vp8(d, pos + 8, (int) size);
        }
        case "VP8L" -> {
          image = true;
          problem =
              size < 5 || u8(d, pos + 8) != 0x2F
                  ? "VP8L chunk without the lossless signature"
                  : null;
        }
        case "ANMF" -> {
          animated = true;
          problem =
              size < 16 ? "ANMF chunk too short" : webpChunks(d, pos + 8 + 16, (int) end, false);
        }
        default -> {}
      }
      if (problem != null) {
        return problem;
      }
      pos =
          (int)
              (end
                  + (size
                      & 1)); // chunks are padded to an even size (a last pad byte may be left out)
    }
    if (!image && !animated) {
      return topLevel
          ? "no image chunk (VP8, VP8L or ANMF)"
          : "an animation frame without image data";
    }
    return null;
  }

  /**
   * A lossy key frame: tag, start code, first partition and the DCT partition table within {@code
   * size}.
   */
  private static String vp8(byte[] d, int at, int size) {
    if (size < 10) {
      return "VP8 chunk too short for a frame header";
    }
    int tag = u8(d, at) | u8(d, at + 1) << 8 | u8(d, at + 2) << 16;
    if ((tag & 1) != 0) {
      return "VP8 frame is not a key frame";
    }
    if (u8(d, at + 3) != 0x9D || u8(d, at + 4) != 0x01 || u8(d, at + 5) != 0x2A) {
      return "VP8 frame without the key-frame start code";
    }
    int firstPartition = tag >>> 5;
    int partitionsAt = at + 10 + firstPartition;
    int chunkEnd = at + size;
    if (partitionsAt > chunkEnd) {
      return String.format(
          Locale.ROOT,
          "VP8 first partition of %d bytes runs past its chunk (%d bytes)",
          firstPartition,
          size);
    }
    int partitions = 1 << new Vp8Header(d, at + 10, partitionsAt).log2Partitions();
    long sizesEnd = partitionsAt + 3L * (partitions - 1);
    long p = sizesEnd;
    for (int i = 0; i < partitions - 1; i++) {
      int s = partitionsAt + 3 * i;
      if (s + 3 > chunkEnd) {
        return "VP8 partition table runs past its chunk";
      }
      p += u8(d, s) | u8(d, s + 1) << 8 | u8(d, s + 2) << 16;
    }
    if (p > chunkEnd || sizesEnd > chunkEnd) {
      return String.format(
          Locale.ROOT,
          "VP8 DCT partitions (%d of them) run past their chunk (%d bytes)",
          partitions,
          size);
    }
    return null;
  }

  /**
   * The frame header at the start of the first VP8 partition (RFC 6386, 9.2 to 9.5), read with the
   * boolean decoder only as far as the number of DCT partitions.
   */
  private static final class Vp8Header {
    private final byte[] d;
    private final int end;
    private int pos;
    private int value;
    private int range = 255;
    private int bitCount;

    Vp8Header(byte[] d, int from, int end) {
      this.d = d;
      this.end = end;
      this.pos = from;
      value = next() << 8 | next();
    }

    int log2Partitions() {
      literal(2); // colour space, clamping
      if (flag()) { // segmentation
        boolean updateMap = flag();
        if (flag()) { // update segment feature data
          flag(); // absolute or delta
          for (int i = 0; i < 4; i++) {
            optionalSigned(7); // quantizer
          }
          for (int i = 0; i < 4; i++) {
            optionalSigned(6); // loop filter level
          }
        }
        if (updateMap) {
          for (int i = 0; i < 3; i++) {
            if (flag()) {
              literal(8);
            }
          }
        }
      }
      literal(1 + 6 + 3); // filter type, level, sharpness
      if (flag() && flag()) { // loop filter deltas enabled and updated
        for (int i = 0; i < 8; i++) {
          optionalSigned(6);
        }
      }
      return literal(2);
    }

    private void optionalSigned(int n) {
      if (flag()) {
        literal(n);
        flag();
      }
    }

    private boolean flag() {
      return bit(128);
    }

    private int literal(int n) {
      int v = 0;
      while (n-- > 0) {
        v = v << 1 | (flag() ? 1 : 0);
      }
      return v;
    }

    /** One boolean of probability {@code prob}/256: RFC 6386 section 7.3, zeros past the end. */
    private boolean bit(int prob) {
      int split = 1 + (((range - 1) * prob) >> 8);
      int bigSplit = split << 8;
      boolean one = value >= bigSplit;
      if (one) {
        range -= split;
        value -= bigSplit;
      } else {
        range = split;
      }
      while (range < 128) {
        value <<= 1;
        range <<= 1;
        if (++bitCount == 8) {
          bitCount = 0;
          value |= next();
        }
      }
      return one;
    }

    private int next() {
      return pos < end ? u8(d, pos++) : 0;
    }
  }

  // bytes ----------------------------------------------------------------------------------------

  private static String ended(byte[] d, String where) {
    return "the file ends (" + d.length + " bytes) " + where;
  }

  private static int u8(byte[] d, int i) {
    return d[i] & 0xFF;
  }

  private static int u16be(byte[] d, int i) {
    return u8(d, i) << 8 | u8(d, i + 1);
  }

  private static long u32be(byte[] d, int i) {
    return (long) u8(d, i) << 24 | u8(d, i + 1) << 16 | u8(d, i + 2) << 8 | u8(d, i + 3);
  }

  private static long u32le(byte[] d, int i) {
    return (long) u8(d, i + 3) << 24 | u8(d, i + 2) << 16 | u8(d, i + 1) << 8 | u8(d, i);
  }
}
