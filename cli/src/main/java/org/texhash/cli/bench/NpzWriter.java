package org.texhash.cli.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes NumPy {@code .npz} archives (an uncompressed zip of {@code .npy} arrays, format 1.0) so
 * Python reads the benchmark's codes with {@code numpy.load}. Arrays are streamed twice, once for
 * the CRC the stored zip entry needs up front and once into the file, so nothing is copied.
 */
final class NpzWriter {
  /**
   * A C-order array: its NumPy dtype ({@code |u1}, {@code <i4}), shape and a writer of its bytes.
   */
  record Array(String dtype, long[] shape, DataWriter data) {}

  @FunctionalInterface
  interface DataWriter {
    void writeTo(OutputStream out) throws IOException;
  }

  private final Map<String, Array> arrays = new LinkedHashMap<>();

  NpzWriter add(String name, Array array) {
    arrays.put(name, array);
    return this;
  }

  /** uint8 [n, K/8]: the packed code bytes, most significant bit first. */
  static Array codeBytes(PackedCodes codes) {
    return new Array(
        "|u1",
        new long[] {codes.size(), codes.bits() / 8},
        out -> {
          for (int i = 0; i < codes.size(); i++) {
            out.write(codes.bytesOf(i));
          }
        });
  }

  /** int32 [rows, cols], little-endian; every row must have {@code cols} entries. */
  static Array int32(int[][] rows, int cols) {
    return new Array(
        "<i4",
        new long[] {rows.length, cols},
        out -> {
          byte[] b = new byte[4 * cols];
          for (int[] row : rows) {
            if (row.length != cols) {
              throw new IllegalArgumentException(
                  "row has " + row.length + " entries, expected " + cols);
            }
            for (int j = 0; j < cols; j++) {
              int v = row[j];
              b[4 * j] = (byte) v;
              b[4 * j + 1] = (byte) (v >>> 8);
              b[4 * j + 2] = (byte) (v >>> 16);
              b[4 * j + 3] = (byte) (v >>> 24);
            }
            out.write(b);
          }
        });
  }

  void write(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try (ZipOutputStream zip =
        new ZipOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 20))) {
      for (Map.Entry<String, Array> e : arrays.entrySet()) {
        CountingCrc crc = new CountingCrc();
        writeNpy(e.getValue(), crc);
        ZipEntry entry = new ZipEntry(e.getKey() + ".npy");
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(crc.count);
        entry.setCompressedSize(crc.count);
        entry.setCrc(crc.crc.getValue());
        zip.putNextEntry(entry);
        writeNpy(e.getValue(), zip);
        zip.closeEntry();
      }
    }
  }

  private static void writeNpy(Array a, OutputStream out) throws IOException {
    StringBuilder shape = new StringBuilder("(");
    for (long d : a.shape()) {
      shape.append(d).append(", ");
    }
    if (a.shape().length > 1) {
      shape.setLength(shape.length() - 2);
    } else {
      shape.setLength(shape.length() - 1);
    }
    shape.append(')');
    String dict =
        String.format(
            Locale.ROOT,
            "{'descr': '%s', 'fortran_order': False, 'shape': %s, }",
            a.dtype(),
            shape);
    // Magic, version 1.0, header length; the header is space-padded so the data starts 64-byte
    // aligned.
    int unpadded = 10 + dict.length() + 1;
    int padded = (unpadded + 63) / 64 * 64;
    String header = dict + " ".repeat(padded - unpadded) + "\n";
    out.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
    out.write(header.length() & 0xFF);
    out.write(header.length() >>> 8);
    out.write(header.getBytes(StandardCharsets.US_ASCII));
    a.data().writeTo(out);
  }

  /** An OutputStream that only counts bytes and updates a CRC. */
  private static final class CountingCrc extends OutputStream {
    final CRC32 crc = new CRC32();
    long count;

    @Override
    public void write(int b) {
      crc.update(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      crc.update(b, off, len);
      count += len;
    }
  }
}
