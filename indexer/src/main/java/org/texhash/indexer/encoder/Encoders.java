package org.texhash.indexer.encoder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.texhash.indexer.encoder.classic.LbpLshEncoder;

/** Opens an encoder by built-in id or by ONNX file; the one place that maps names to encoders. */
public final class Encoders {
  /** The encoder {@code texhash index} uses when none is named. */
  public static final String DEFAULT_ID = "lbp-lsh-64";

  private static final Pattern LBP_LSH = Pattern.compile("lbp-lsh-(\\d+)(?:-s(\\d+))?");
  private static final Pattern ITQ = Pattern.compile("itq-(\\d+)");

  private Encoders() {}

  /**
   * {@code lbp-lsh-K} (K = 32, 64, 128, 256; {@code lbp-lsh-K-sS} for S x S patches other than
   * 64), or the path of an {@code .onnx} file under the encoder contract.
   *
   * @throws IllegalArgumentException for an unknown id, a missing file or a model that breaks the
   *     contract, with a message that says which
   * @throws IOException when the model file cannot be read or loaded
   */
  public static Encoder open(String idOrPath) throws IOException {
    if (idOrPath == null || idOrPath.isBlank()) {
      throw new IllegalArgumentException("encoder: expected an id such as " + DEFAULT_ID + " or an .onnx file, got nothing");
    }
    String s = idOrPath.strip();
    Matcher m = LBP_LSH.matcher(s);
    if (m.matches()) {
      int bits = parse(m.group(1), s);
      return m.group(2) == null ? new LbpLshEncoder(bits) : new LbpLshEncoder(bits, parse(m.group(2), s));
    }
    if (ITQ.matcher(s).matches()) {
      throw new IllegalArgumentException(
          "encoder " + s + " is fitted on a protocol's training patches and exists only inside `texhash eval`;"
              + " to index a folder use lbp-lsh-K or an .onnx encoder");
    }
    Path file = Path.of(s);
    if (s.toLowerCase(Locale.ROOT).endsWith(".onnx") || Files.isRegularFile(file)) {
      return OnnxEncoder.open(file);
    }
    throw new IllegalArgumentException(
        "unknown encoder '" + s + "': expected lbp-lsh-32, lbp-lsh-64, lbp-lsh-128, lbp-lsh-256 or the path of an .onnx file");
  }

  /**
   * What to give {@link #open} to get {@code encoder} back: the built-in id, or the absolute path
   * of its ONNX file. Indexes record it, so a later run can reopen the encoder they were built with.
   */
  public static String source(Encoder encoder) {
    return encoder instanceof OnnxEncoder onnx ? onnx.file().toAbsolutePath().normalize().toString() : encoder.id();
  }

  private static int parse(String digits, String id) {
    try {
      return Integer.parseInt(digits);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("encoder " + id + ": number out of range", e);
    }
  }
}
