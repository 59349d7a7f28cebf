package org.texhash.indexer.encoder;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The learned encoders that ship inside the indexer jar, by name: {@code
 * samples/models/NAME/encoder.onnx} in the repository, a classpath resource at run time. ONNX
 * Runtime loads models from files, so a shipped model is copied once per JVM to a temporary file;
 * indexes record the name, not that file.
 */
public final class ShippedEncoders {
  /**
   * The learned 64-bit encoder, the default of {@code texhash index} (model card:
   * samples/models/learned-64/README.md).
   */
  public static final String LEARNED_64 = "learned-64";

  /**
   * The same network on one view instead of four: four times the speed, about the same MAP for
   * whole images, lower for single-patch queries (model card: samples/models/learned-64-fast).
   */
  public static final String LEARNED_64_FAST = "learned-64-fast";

  /**
   * The same recipe with a 256-bit hash layer, for collections that can spend 32 bytes per image on
   * codes that tell near relatives apart (model card: samples/models/learned-256).
   */
  public static final String LEARNED_256 = "learned-256";

  /** Every shipped name, as a constant for option help texts (which must be compile-time ones). */
  public static final String NAMES_TEXT = LEARNED_64 + ", " + LEARNED_64_FAST + ", " + LEARNED_256;

  /** Every shipped name. */
  public static final List<String> NAMES = List.of(NAMES_TEXT.split(", "));

  private static final Map<String, Path> EXTRACTED =
      new ConcurrentHashMap<>(); // read by nameOf without the lock;

  private ShippedEncoders() {}

  /** The model file of shipped encoder {@code name}, copied out of the jar at first use. */
  static synchronized Path file(String name) throws IOException {
    if (!NAMES.contains(name)) {
      throw new IllegalArgumentException(
          "no shipped encoder named " + name + " (shipped: " + NAMES + ")");
    }
    Path copy = EXTRACTED.get(name);
    if (copy == null) {
      copy = extract(name);
      EXTRACTED.put(name, copy);
    }
    return copy;
  }

  /** The shipped name whose copy {@code file} is, if it is one. */
  static Optional<String> nameOf(Path file) {
    Path f = file.toAbsolutePath().normalize();
    return EXTRACTED.entrySet().stream()
        .filter(e -> e.getValue().equals(f))
        .map(Map.Entry::getKey)
        .findFirst();
  }

  private static Path extract(String name) throws IOException {
    String resource = "models/" + name + "/encoder.onnx";
    try (InputStream in = ShippedEncoders.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException(
            "the shipped encoder "
                + name
                + " is missing from the classpath ("
                + resource
                + "); rebuild texhash, or name an encoder with --encoder");
      }
      Path tmp = Files.createTempFile("texhash-" + name + "-", ".onnx");
      tmp.toFile().deleteOnExit();
      Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
      return tmp.toAbsolutePath().normalize();
    }
  }
}
