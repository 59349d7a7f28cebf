package org.texhash.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * Options several commands share, as picocli mixins ({@code @Mixin}): declared and described once.
 */
public final class SharedOptions {
  private SharedOptions() {}

  /** {@code --json}: one JSON value on stdout instead of text (each command lists its fields). */
  public static final class JsonFlag {
    @Option(names = "--json", description = "Print JSON instead of text.")
    public boolean on;
  }

  /** {@code --index IDX}, required. */
  public static final class IndexDir {
    @Option(
        names = "--index",
        required = true,
        paramLabel = "IDX",
        description = "The index folder.")
    public Path path;
  }

  /** {@code --encoder}: the encoder to use instead of the one an index records. */
  public static final class EncoderChoice {
    @Option(
        names = "--encoder",
        paramLabel = "ID|FILE.onnx",
        description =
            "learned-64, learned-64-fast or learned-256 (shipped; -fast runs one view instead of"
                + " four: 3.5x the speed, about the same for whole images; learned-256 spends 32"
                + " bytes per image to tell near relatives apart), lbp-lsh-32|64|128|256 or an"
                + " .onnx encoder (default: the one the index was built with, or learned-64 without"
                + " an index). Searching or adding to an index with another encoder is refused.")
    public String id;
  }

  /** {@code --split-seed N}: the dataset split, which must equal the one 'texhash eval' uses. */
  public static final class SplitSeed {
    @Option(
        names = "--split-seed",
        defaultValue = "42",
        paramLabel = "N",
        description = "Seed of the dataset split (default: ${DEFAULT-VALUE}, as 'texhash eval').")
    public long value;
  }

  /** {@code --out FILE.onnx}, required: the encoder a training or combining command writes. */
  public static final class EncoderOut {
    @Option(
        names = "--out",
        required = true,
        paramLabel = "FILE.onnx",
        description = "The encoder to write.")
    public Path path;

    /**
     * The path, once it names an .onnx file that is none of {@code inputs} (writing over an input
     * would lose it; a null input is skipped).
     */
    public Path checked(CommandSpec spec, Path... inputs) throws IOException {
      if (!path.getFileName().toString().endsWith(".onnx")) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--out must name an .onnx file, got " + path);
      }
      for (Path input : inputs) {
        if (input != null
            && Files.exists(path)
            && Files.exists(input)
            && Files.isSameFile(path, input)) {
          throw new CommandLine.ParameterException(
              spec.commandLine(), "--out must differ from " + input);
        }
      }
      return path;
    }
  }
}
