package org.texhash.indexer.encoder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.texhash.indexer.encoder.classic.LbpLshEncoder;

/**
 * Encoder ids: the one place that parses them ({@link #parse}) and maps them to encoders ({@link
 * #open}). An id is a built-in name or the path of an ONNX file.
 */
public final class Encoders {
  /** The encoder {@code texhash index} uses when none is named. */
  public static final String DEFAULT_ID = ShippedEncoders.LEARNED_64;

  private static final Pattern LBP_LSH = Pattern.compile("lbp-lsh-(\\d+)(?:-s(\\d+))?");
  private static final Pattern ITQ = Pattern.compile("itq-(\\d+)");
  private static final Pattern FAMILY = Pattern.compile("lbp-lsh|itq");

  private Encoders() {}

  /** What an encoder id names, before anything is opened or fitted. */
  public sealed interface Spec permits LbpLsh, Itq, Shipped, OnnxFile {}

  /**
   * {@code lbp-lsh-K} or {@code lbp-lsh-K-sS}; {@code patchSize} is empty when the id gives none.
   */
  public record LbpLsh(int bits, OptionalInt patchSize) implements Spec {
    /** The encoder, for {@code size} x {@code size} patches when the id gives no size. */
    public Encoder open(int size) {
      return new LbpLshEncoder(bits, patchSize.orElse(size));
    }
  }

  /** {@code itq-K}: fitted on training patches, so it exists only inside an evaluation run. */
  public record Itq(int bits) implements Spec {}

  /**
   * A learned encoder that ships with texhash ({@link ShippedEncoders}), e.g. {@code learned-64}.
   */
  public record Shipped(String name) implements Spec {}

  /** The path of an ONNX file under the encoder contract (docs/ARCHITECTURE.md). */
  public record OnnxFile(Path file) implements Spec {}

  /**
   * Parses {@code idOrPath} without opening anything.
   *
   * @throws IllegalArgumentException for an unknown id, saying what is expected
   */
  public static Spec parse(String idOrPath) {
    if (idOrPath == null || idOrPath.isBlank()) {
      throw new IllegalArgumentException(
          "encoder: expected an id such as " + DEFAULT_ID + " or an .onnx file, got nothing");
    }
    String s = idOrPath.strip();
    Matcher m = LBP_LSH.matcher(s);
    if (m.matches()) {
      return new LbpLsh(
          number(m.group(1), s),
          m.group(2) == null ? OptionalInt.empty() : OptionalInt.of(number(m.group(2), s)));
    }
    m = ITQ.matcher(s);
    if (m.matches()) {
      return new Itq(number(m.group(1), s));
    }
    if (ShippedEncoders.NAMES.contains(s)) {
      return new Shipped(s);
    }
    Path file = Path.of(s);
    if (s.toLowerCase(Locale.ROOT).endsWith(".onnx") || Files.isRegularFile(file)) {
      return new OnnxFile(file);
    }
    throw new IllegalArgumentException(
        "unknown encoder '"
            + s
            + "': expected "
            + String.join(", ", ShippedEncoders.NAMES)
            + ", lbp-lsh-32, lbp-lsh-64, lbp-lsh-128, lbp-lsh-256 or the path of an .onnx file");
  }

  /**
   * A shipped learned encoder ({@link ShippedEncoders#NAMES}), {@code lbp-lsh-K} (K = 32, 64, 128,
   * 256; {@code lbp-lsh-K-sS} for S x S patches other than 64), or the path of an {@code .onnx}
   * file under the encoder contract.
   *
   * @throws IllegalArgumentException for an unknown id, a missing file or a model that breaks the
   *     contract, with a message that says which
   * @throws IOException when the model file cannot be read or loaded
   */
  public static Encoder open(String idOrPath) throws IOException {
    return open(idOrPath, 0);
  }

  /**
   * {@link #open(String)} with {@code intraOpThreads} ONNX Runtime threads per operator for a
   * learned encoder (0: ONNX Runtime's default, every core), e.g. 1 to measure one thread.
   */
  public static Encoder open(String idOrPath, int intraOpThreads) throws IOException {
    Spec spec = parse(idOrPath);
    if (spec instanceof LbpLsh lsh) {
      return lsh.open(LbpLshEncoder.DEFAULT_INPUT_SIZE);
    }
    if (spec instanceof Itq itq) {
      throw new IllegalArgumentException(
          "encoder itq-"
              + itq.bits()
              + " is fitted on a protocol's training patches and exists only inside `texhash eval`;"
              + " to index a folder use lbp-lsh-K or an .onnx encoder");
    }
    if (spec instanceof Shipped shipped) {
      return OnnxEncoder.open(
          ShippedEncoders.file(shipped.name()), OnnxEncoder.DEFAULT_BATCH_SIZE, intraOpThreads);
    }
    return OnnxEncoder.open(
        ((OnnxFile) spec).file(), OnnxEncoder.DEFAULT_BATCH_SIZE, intraOpThreads);
  }

  /**
   * Expands encoder specs with a bits list: a family name ({@code lbp-lsh}, {@code itq}) becomes
   * one id per K (64 when no K is given); full ids and .onnx files stay as they are.
   */
  public static List<String> expand(List<String> specs, List<Integer> bits) {
    List<String> out = new ArrayList<>();
    for (String raw : specs) {
      String s = raw.strip();
      if (s.isEmpty()) {
        continue;
      }
      if (FAMILY.matcher(s).matches()) {
        for (int k : bits.isEmpty() ? List.of(64) : bits) {
          out.add(s + "-" + k);
        }
      } else {
        out.add(s);
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(
          "encoder: expected at least one id, family (lbp-lsh, itq) or .onnx file");
    }
    return out;
  }

  /**
   * What to give {@link #open} to get {@code encoder} back: the built-in id, the shipped name, or
   * the absolute path of its ONNX file. Indexes record it, so a later run can reopen the encoder
   * they were built with.
   */
  public static String source(Encoder encoder) {
    if (!(encoder instanceof OnnxEncoder onnx)) {
      return encoder.id();
    }
    return ShippedEncoders.nameOf(onnx.file())
        .orElse(onnx.file().toAbsolutePath().normalize().toString());
  }

  private static int number(String digits, String id) {
    try {
      return Integer.parseInt(digits);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("encoder " + id + ": number out of range", e);
    }
  }
}
