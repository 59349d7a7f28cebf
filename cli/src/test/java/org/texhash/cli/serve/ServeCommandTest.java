package org.texhash.cli.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.texhash.cli.TexhashCommand;
import picocli.CommandLine;

/** How {@code texhash serve} refuses to start: exit 2 for bad usage, 1 when the port is taken. */
class ServeCommandTest {
  @TempDir Path tmp;
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cl = TexhashCommand.commandLine();
    cl.setOut(new PrintWriter(new StringWriter()));
    cl.setErr(new PrintWriter(err));
    return cl.execute(args);
  }

  @Test
  void noIndexIsUsageError() {
    assertEquals(2, run("serve", "--index", tmp.resolve("missing").toString(), "--port", "0"));
    assertTrue(err.toString().contains("no index at"), err.toString());
  }

  @Test
  void badOptionsAreUsageErrors() throws IOException {
    assertEquals(2, run("serve", "--index", tmp.toString(), "--port", "70000"));
    assertTrue(err.toString().contains("--port must be from 0 to 65535"), err.toString());
    assertEquals(2, run("serve", "--index", tmp.toString(), "--max-upload-mb", "0"));
    Files.writeString(tmp.resolve("notes.txt"), "x");
    assertEquals(2, run("serve", "--index", tmp.toString(), "--port", "0"), "a folder without an index");
  }

  @Test
  void portInUseIsAFailureWithTheReason() throws IOException {
    try (TestServer s = new TestServer(tmp, 2)) {
      assertEquals(1, run("serve", "--index", s.index.toString(), "--port", Integer.toString(s.server.port())));
      assertTrue(err.toString().contains("cannot listen on 127.0.0.1:" + s.server.port()), err.toString());
    }
  }
}
