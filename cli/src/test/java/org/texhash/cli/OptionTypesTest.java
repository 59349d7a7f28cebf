package org.texhash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Choices are checked by picocli (converters, enums), and shared options are one mixin each. */
class OptionTypesTest {
  @Test
  void protocolsAreTheNamedOnesAndUnseenSource() {
    ProtocolConverter protocols = new ProtocolConverter();
    for (String ok : List.of("vistex", "alot", "unseen", "unseen-supertuxkart")) {
      assertEquals(ok, protocols.convert(ok));
    }
    for (String bad : List.of("nope", "unseen-", "VISTEX")) {
      var e = assertThrows(CommandLine.TypeConversionException.class, () -> protocols.convert(bad));
      assertTrue(
          e.getMessage().contains("unseen-SOURCE") && e.getMessage().contains(bad), e.getMessage());
    }
  }

  @Test
  void trainHashAlsoTakesTheTrainingOnlyPoolButEvalDoesNot() {
    var training = new ProtocolConverter.ForTraining();
    assertEquals("pool", training.convert("pool"));
    assertEquals("unseen-ufoai", training.convert("unseen-ufoai"));
    assertThrows(CommandLine.TypeConversionException.class, () -> training.convert("nope"));
    assertThrows(
        CommandLine.TypeConversionException.class, () -> new ProtocolConverter().convert("pool"));
    CliRun cli = new CliRun();
    assertEquals(
        CommandLine.ExitCode.USAGE,
        cli.run(
            "train",
            "hash",
            "--data",
            "d",
            "--protocol",
            "vistex",
            "--objective",
            "nope",
            "--out",
            "o.onnx"));
    assertTrue(cli.err().contains("contrastive") || cli.err().contains("CONTRASTIVE"), cli.err());
    assertEquals(
        CommandLine.ExitCode.USAGE,
        cli.run(
            "train",
            "hash",
            "--data",
            "d",
            "--protocol",
            "pool",
            "--preset",
            "huge",
            "--out",
            "o.onnx"));
    assertTrue(cli.err().contains("tiny"), cli.err());
  }

  @Test
  void presetsAreConvertedByName() {
    assertEquals("tiny", new PresetConverter().convert("tiny").name());
    assertThrows(
        CommandLine.TypeConversionException.class, () -> new PresetConverter().convert("huge"));
  }

  @Test
  void badChoicesAreUsageErrorsThatListTheChoices() {
    CliRun cli = new CliRun();
    assertEquals(
        CommandLine.ExitCode.USAGE,
        cli.run(
            "train", "tsn", "--data", "d", "--protocol", "vistex", "--crop", "left", "--out", "o"));
    assertTrue(cli.err().contains("center") && cli.err().contains("random"), cli.err());
    assertEquals(
        CommandLine.ExitCode.USAGE,
        cli.run("eval", "--dataset", "d", "--protocol", "nope", "--encoder", "lbp-lsh-64"));
    assertTrue(cli.err().contains("unseen-SOURCE"), cli.err());
  }

  @Test
  void sharedOptionsAreDeclaredOnce() {
    CommandLine root = TexhashCommand.commandLine();
    for (String name : List.of("search", "info", "serve", "index")) {
      CommandLine.Model.CommandSpec spec = root.getSubcommands().get(name).getCommandSpec();
      assertTrue(
          spec.mixins().containsKey("index"), name + " takes --index from SharedOptions.IndexDir");
    }
    for (String name : List.of("search", "info", "code", "index", "eval", "synth")) {
      CommandLine.Model.CommandSpec spec = root.getSubcommands().get(name).getCommandSpec();
      assertTrue(
          spec.mixins().containsKey("json"), name + " takes --json from SharedOptions.JsonFlag");
    }
  }
}
