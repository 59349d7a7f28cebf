package org.texhash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Help text: whole sentences, wrapped by picocli, never cut where a source line ended. */
class HelpTextTest {
  private final CliRun cli = new CliRun();

  @Test
  void everyDescriptionParagraphIsWholeSentences() {
    List<String> cut = new ArrayList<>();
    for (CommandLine c : all(TexhashCommand.commandLine(), new ArrayList<>())) {
      for (String paragraph : c.getCommandSpec().usageMessage().description()) {
        if (!paragraph.replace("%n", "").strip().matches("(?s).*[.:)]$")) {
          cut.add(c.getCommandSpec().qualifiedName() + ": " + paragraph);
        }
      }
    }
    assertEquals(
        List.of(),
        cut,
        "a description line that stops mid-sentence (picocli prints each element as its own"
            + " paragraph)");
  }

  @Test
  void theCommandListShowsWholeFirstParagraphs() {
    assertEquals(0, cli.run("--help"));
    String help = cli.out().replaceAll("\\s+", " ");
    assertTrue(
        help.contains(
            "eval Evaluates encoders on a texture dataset: MAP over the full Hamming ranking"
                + " (tie-aware, with pessimistic and optimistic bounds), precision at top T,"
                + " precision/recall within Hamming radius 2, and ms per query."),
        help);
    assertTrue(help.contains("code Prints the hash code of each image in hex"), help);
    for (String line : cli.out().split("\\R")) {
      assertTrue(line.length() <= 80, "wider than 80 columns: " + line);
    }
  }

  private static List<CommandLine> all(CommandLine c, List<CommandLine> out) {
    out.add(c);
    c.getSubcommands().values().stream().distinct().forEach(sub -> all(sub, out));
    return out;
  }
}
