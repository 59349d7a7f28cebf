package org.texhash.indexer.image;

import com.twelvemonkeys.imageio.metadata.Directory;
import com.twelvemonkeys.imageio.metadata.Entry;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEG;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegment;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegmentUtil;
import com.twelvemonkeys.imageio.metadata.tiff.TIFF;
import com.twelvemonkeys.imageio.metadata.tiff.TIFFReader;
import com.twelvemonkeys.imageio.stream.ByteArrayImageInputStream;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes image files to upright {@code TYPE_INT_RGB} images.
 *
 * <p>Formats: whatever ImageIO readers are installed; with the TwelveMonkeys plugins this module
 * depends on that is PNG, JPEG (including CMYK/YCCK and many broken files the JDK reader refuses),
 * BMP, GIF (first frame), TIFF (first page) and WebP. Pixel formats are converted by {@link
 * Images#toRgb}: alpha is composited onto white.
 *
 * <p>Safety: the header dimensions are read before any pixel is decoded, and an image with more
 * than {@code maxPixels} pixels is refused (a 100-byte PNG can claim 50,000 x 50,000 pixels).
 * Truncated files are refused before decoding: {@link StreamCheck} walks each format's container to
 * its end marker (every page, frame and chunk), because decoders are lenient in different ways (a
 * cut-off WebP decodes as if the missing bytes were zeros). Decoder warnings about the pixel data
 * are failures too: a corrupt JPEG decodes "successfully" to grey rows, which would index a wrong
 * code, so it is reported instead (warnings about skipped metadata are not; see {@link
 * #isHarmless}).
 *
 * <p>Memory: an image of more than {@link #DECODE_PIXELS} pixels is decoded with source subsampling
 * ({@link #subsampling}), so one decode holds at most about 16 Mi pixels whatever the file's size
 * (the pixel limit still applies to the size the header claims).
 *
 * <p>Orientation: the EXIF orientation of JPEG files (tag 274 in the APP1 "Exif" segment) is
 * applied, so a photo taken sideways is hashed upright, as every viewer shows it.
 */
public final class ImageLoader {
  /** Default pixel limit: 64 megapixels (256 MiB as packed RGB). */
  public static final long DEFAULT_MAX_PIXELS = 64L * 1024 * 1024;

  /**
   * Images with more pixels are decoded subsampled ({@link #subsampling}): 16 Mi pixels, 64 MiB as
   * packed RGB.
   */
  public static final long DECODE_PIXELS = 16L * 1024 * 1024;

  /**
   * Subsampling never takes an image's shorter side below this (twice the crop policy's largest
   * working size for S = 64).
   */
  public static final int MIN_DECODED_SIDE = 1024;

  /** Files larger than this are refused before they are read. */
  public static final long MAX_FILE_BYTES = 512L * 1024 * 1024;

  private ImageLoader() {}

  /** {@link #load(Path, long)} with {@link #DEFAULT_MAX_PIXELS}. */
  public static BufferedImage load(Path file) throws ImageDecodeException {
    return load(file, DEFAULT_MAX_PIXELS);
  }

  /** {@link #load(byte[], long)} with {@link #DEFAULT_MAX_PIXELS}. */
  public static BufferedImage load(byte[] data) throws ImageDecodeException {
    return load(data, DEFAULT_MAX_PIXELS);
  }

  /** Reads and decodes a file; see the class comment. The exception message is the reason. */
  public static BufferedImage load(Path file, long maxPixels) throws ImageDecodeException {
    return load(readBytes(file), maxPixels);
  }

  /**
   * The whole file, refusing files over {@link #MAX_FILE_BYTES}; failures to read are reported as
   * {@link ImageDecodeException} like decoding failures.
   */
  public static byte[] readBytes(Path file) throws ImageDecodeException {
    try {
      long size = Files.size(file);
      if (size > MAX_FILE_BYTES) {
        throw new ImageDecodeException(
            String.format(Locale.ROOT, "file too large: %d bytes, limit %d", size, MAX_FILE_BYTES));
      }
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new ImageDecodeException("no such file", e);
    } catch (ImageDecodeException e) {
      throw e;
    } catch (IOException e) {
      throw new ImageDecodeException("cannot read file: " + e.getMessage(), e);
    }
  }

  /** Decodes an encoded image held in memory; see the class comment. */
  public static BufferedImage load(byte[] data, long maxPixels) throws ImageDecodeException {
    return decode(data, maxPixels).image();
  }

  /**
   * An image as decoded, and the upright size of the file's image: larger than the image's own when
   * the file was decoded with {@link #subsampling}.
   */
  public record Decoded(BufferedImage image, int width, int height) {}

  /** {@link #load(byte[], long)}, with the file's own upright size. */
  public static Decoded decode(byte[] data, long maxPixels) throws ImageDecodeException {
    if (maxPixels < 1) {
      throw new IllegalArgumentException("maxPixels must be positive, got " + maxPixels);
    }
    if (data.length == 0) {
      throw new ImageDecodeException("empty file (0 bytes)");
    }
    ImageReader reader = readerFor(data);
    String format = formatName(reader);
    try {
      StreamCheck.requireWhole(data, format);
    } catch (ImageDecodeException e) {
      reader.dispose();
      throw e;
    }
    List<String> warnings = new ArrayList<>();
    try (ImageInputStream in = new ByteArrayImageInputStream(data)) {
      reader.setInput(in, true, true);
      reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
      long width;
      long height;
      try {
        width = reader.getWidth(0);
        height = reader.getHeight(0);
      } catch (IOException | RuntimeException e) {
        throw new ImageDecodeException("corrupt " + format + " header: " + describe(e), e);
      }
      if (width < 1 || height < 1) {
        throw new ImageDecodeException("corrupt " + format + ": size " + width + " x " + height);
      }
      if (width * height > maxPixels) {
        throw new ImageDecodeException(
            String.format(
                Locale.ROOT,
                "%s of %d x %d = %d pixels is over the limit of %d pixels",
                format,
                width,
                height,
                width * height,
                maxPixels));
      }
      int k = subsampling(width, height);
      BufferedImage decoded;
      try {
        ImageReadParam param = reader.getDefaultReadParam();
        if (k > 1) {
          param.setSourceSubsampling(k, k, 0, 0);
        }
        decoded = reader.read(0, param);
        if (k > 1 && decoded.getWidth() > (width + k - 1) / k) {
          decoded = Images.subsample(decoded, k); // a reader that ignores the parameter
        }
      } catch (IOException | RuntimeException e) {
        if (outOfMemory(e)) {
          // ImageIO's PNG reader wraps every Throwable, so a full heap arrives as an IOException
          throw new ImageDecodeException("not enough memory to decode this " + format, e);
        }
        throw new ImageDecodeException("corrupt or truncated " + format + ": " + describe(e), e);
      } catch (OutOfMemoryError e) {
        throw new ImageDecodeException("not enough memory to decode this " + format, e);
      }
      for (String warning : warnings) {
        if (!isHarmless(warning)) {
          throw new ImageDecodeException("corrupt or truncated " + format + ": " + warning);
        }
      }
      BufferedImage rgb = Images.toRgb(decoded);
      int orientation = "JPEG".equals(format) ? exifOrientation(data) : 1;
      boolean turned = orientation >= 5 && orientation <= 8;
      return new Decoded(
          Images.orient(rgb, orientation),
          (int) (turned ? height : width),
          (int) (turned ? width : height));
    } catch (IOException e) {
      throw e instanceof ImageDecodeException d ? d : new ImageDecodeException(describe(e), e);
    } finally {
      reader.dispose();
    }
  }

  private static boolean outOfMemory(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof OutOfMemoryError) {
        return true;
      }
    }
    return false;
  }

  /**
   * The subsampling factor k an image of {@code width x height} is decoded with (every k-th pixel
   * of every k-th row): the smallest k that brings it to at most {@value #DECODE_PIXELS} pixels, as
   * long as its shorter side stays at least {@value #MIN_DECODED_SIDE}. Every caller decodes a file
   * the same way, so an image searched for itself still finds itself at distance 0; the crop policy
   * then resizes by area averaging, and its largest working size (a shorter side of 8 S) is far
   * below what the decoded image keeps.
   */
  public static int subsampling(long width, long height) {
    int k = 1;
    while (ceilDiv(width, k) * ceilDiv(height, k) > DECODE_PIXELS
        && Math.min(width, height) / (k + 1) >= MIN_DECODED_SIDE) {
      k++;
    }
    return k;
  }

  private static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }

  /**
   * The number of pixels {@code file} decodes to (after {@link #subsampling}), read from its header
   * without decoding or reading the whole file; -1 when no reader recognises it or the header
   * cannot be read (decoding will then say why). Callers use it to budget memory before a file is
   * read.
   */
  public static long decodedPixels(Path file) {
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      if (in == null) {
        return -1;
      }
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        return -1;
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        long width = reader.getWidth(0);
        long height = reader.getHeight(0);
        int k = subsampling(width, height);
        return ceilDiv(width, k) * ceilDiv(height, k);
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * The EXIF orientation (1..8) of a JPEG held in memory, or 1 when it has none or it cannot be
   * read (a broken EXIF block must not lose an otherwise good image).
   */
  public static int exifOrientation(byte[] jpeg) {
    try (ImageInputStream in = new ByteArrayImageInputStream(jpeg)) {
      for (JPEGSegment segment : JPEGSegmentUtil.readSegments(in, JPEG.APP1, "Exif")) {
        byte[] data;
        try (InputStream segmentData = segment.data()) {
          data = segmentData.readAllBytes();
        }
        // data() starts after the "Exif\0" identifier; a pad byte may precede the TIFF header.
        int start = 0;
        while (start < data.length && data[start] == 0 && start < 2) {
          start++;
        }
        Directory ifds =
            new TIFFReader().read(new ByteArrayImageInputStream(data, start, data.length - start));
        Entry entry = ifds.getEntryById(TIFF.TAG_ORIENTATION);
        if (entry != null && entry.getValue() instanceof Number n) {
          int o = n.intValue();
          return o >= 1 && o <= 8 ? o : 1;
        }
      }
    } catch (IOException | RuntimeException e) {
      return 1;
    }
    return 1;
  }

  /**
   * Decoder warnings that leave the pixels intact: metadata the decoder skipped (an unusable ICC
   * profile, a broken thumbnail, an odd APP14 marker), padding between JPEG markers, or an
   * uncompressed TIFF strip shorter than a whole strip (normal for the last one; {@link
   * StreamCheck} has checked each strip holds its rows). Anything else (premature end of data,
   * missing EOI, bad Huffman codes) means rows are missing or wrong.
   */
  static boolean isHarmless(String warning) {
    String w = warning == null ? "" : warning.toLowerCase(Locale.ROOT);
    return w.contains("ignor")
        || w.contains("extraneous bytes")
        || w.contains("thumbnail")
        || w.contains("icc")
        || w.startsWith(
            "strip/tilebytecount < required"); // a short last TIFF strip; cut strips are
    // StreamCheck's
  }

  private static ImageReader readerFor(byte[] data) throws ImageDecodeException {
    try (ImageInputStream in = new ByteArrayImageInputStream(data)) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (readers.hasNext()) {
        return readers.next();
      }
    } catch (IOException e) {
      throw new ImageDecodeException("cannot read: " + describe(e), e);
    }
    throw new ImageDecodeException(
        "unsupported format (file starts with "
            + HexFormat.ofDelimiter(" ").formatHex(data, 0, Math.min(8, data.length))
            + "); readable formats: "
            + String.join(", ", supportedFormats()));
  }

  /** Format names the installed readers decode, upper case, for messages. */
  public static List<String> supportedFormats() {
    List<String> out = new ArrayList<>();
    for (String name : List.of("PNG", "JPEG", "BMP", "GIF", "TIFF", "WebP")) {
      if (ImageIO.getImageReadersByFormatName(name).hasNext()) {
        out.add(name);
      }
    }
    return out;
  }

  private static String formatName(ImageReader reader) {
    try {
      String name = reader.getFormatName().toUpperCase(Locale.ROOT);
      return switch (name) {
        case "JPG" -> "JPEG";
        case "TIF" -> "TIFF";
        case "WEBP" -> "WebP";
        default -> name;
      };
    } catch (IOException e) {
      return "image";
    }
  }

  private static String describe(Throwable e) {
    String m = e.getMessage();
    Throwable cause = e.getCause();
    if ((m == null || m.isBlank()) && cause != null) {
      m = cause.getMessage();
    }
    if (e instanceof java.io.EOFException || cause instanceof java.io.EOFException) {
      return "unexpected end of file" + (m == null || m.isBlank() ? "" : " (" + m + ")");
    }
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }
}
