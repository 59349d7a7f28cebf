package org.texhash.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.texhash.trainer.onnx.EncoderExport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code texhash train views}: a trained encoder that averages over turned views of a patch. */
@Command(
    name = "views",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Write a trained encoder that averages its outputs (before the sign) over flipped and turned"
          + " views of each patch: a mirrored (or, with 8 views, turned) texture gets the same"
          + " code, and the noise of single views averages out.",
      "2 views: the patch and its mirror image; 4: also the vertical mirror and the half turn; 8:"
          + " every quarter turn, mirrored or not. Encoding costs that many times more.",
      "No training happens: the new file runs the given encoder once per view. Its model id is"
          + " new, so an index built with the plain encoder refuses it."
    })
final class TrainViewsCommand implements Callable<Integer> {
  @Option(
      names = "--encoder",
      required = true,
      paramLabel = "FILE.onnx",
      description = "A trained encoder ('texhash train hash --out').")
  Path encoder;

  @Option(
      names = "--views",
      required = true,
      paramLabel = "2|4|8",
      description = "How many views to average.")
  int views;

  @Mixin SharedOptions.EncoderOut out;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (!Files.isRegularFile(encoder)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--encoder: no such file: " + encoder);
    }
    Path file = out.checked(spec, encoder);
    String id;
    try {
      id = EncoderExport.writeWithViews(encoder, views, file);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    spec.commandLine()
        .getOut()
        .printf(Locale.ROOT, "wrote %s (%d views, model id %s)%n", file, views, id);
    return ExitCode.OK;
  }
}
