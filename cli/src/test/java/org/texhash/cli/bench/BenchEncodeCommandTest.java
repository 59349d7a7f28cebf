package org.texhash.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.texhash.cli.TexhashCommand;
import picocli.CommandLine;

class BenchEncodeCommandTest {
  private static int run(StringWriter out, String... args) {
    CommandLine cl = TexhashCommand.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(new StringWriter(), true));
    return cl.execute(args);
  }

  @Test
  void reportsRatesForOneAndAllThreads() {
    StringWriter w = new StringWriter();
    assertEquals(
        0,
        run(
            w,
            "bench",
            "encode",
            "--encoder",
            "lbp-lsh-64",
            "--patches",
            "8",
            "--threads",
            "2",
            "--json"),
        w.toString());
    JsonObject o = JsonParser.parseString(w.toString()).getAsJsonObject();
    assertEquals(64, o.get("bits").getAsInt());
    for (String t : new String[] {"threads_1", "threads_2"}) {
      JsonObject m = o.getAsJsonObject(t);
      assertTrue(m.get("patches_per_second").getAsDouble() > 0);
      assertTrue(m.get("ms_per_image").getAsDouble() > 0);
    }
    assertEquals(
        2, run(new StringWriter(), "bench", "encode", "--encoder", "lbp-lsh-64", "--patches", "0"));
    assertEquals(2, run(new StringWriter(), "bench", "encode", "--encoder", "nope-12"));
  }
}
