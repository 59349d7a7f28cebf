package org.texhash.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.texhash.trainer.onnx.EncoderExport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code texhash train ensemble}: one encoder that averages several trained encoders. */
@Command(
    name = "ensemble",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Write one encoder that averages the outputs (before the sign) of several trained encoders,"
          + " each scaled to unit length: networks trained from other seeds or with other stems"
          + " make partly independent errors, which the average smooths out.",
      "The members must have the same bits and input size and average no views; to add views,"
          + " run 'texhash train views' on the ensemble. Encoding costs the members' sum.",
      "No training happens. The new file has a new model id, so an index built with one member"
          + " refuses it."
    })
final class TrainEnsembleCommand implements Callable<Integer> {
  @Option(
      names = "--encoder",
      required = true,
      arity = "2..*",
      paramLabel = "FILE.onnx",
      description = "Two or more trained encoders ('texhash train hash --out').")
  List<Path> encoders;

  @Mixin SharedOptions.EncoderOut out;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    for (Path encoder : encoders) {
      if (!Files.isRegularFile(encoder)) {
        throw usage("--encoder: no such file: " + encoder);
      }
    }
    Path file = out.checked(spec, encoders.toArray(Path[]::new));
    String id;
    try {
      id = EncoderExport.writeEnsemble(encoders, file);
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
    spec.commandLine()
        .getOut()
        .printf(Locale.ROOT, "wrote %s (%d members, model id %s)%n", file, encoders.size(), id);
    return ExitCode.OK;
  }

  private CommandLine.ParameterException usage(String message) {
    return new CommandLine.ParameterException(spec.commandLine(), message);
  }
}
