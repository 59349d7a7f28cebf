package org.texhash.cli.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.texhash.cli.CliRun;

/** How {@code texhash serve} refuses to start: exit 2 for bad usage, 1 when the port is taken. */
class ServeCommandTest {
  @TempDir Path tmp;
  private final CliRun cli = new CliRun();

  private int run(String... args) {
    return cli.run((Object[]) args);
  }

  @Test
  void noIndexIsUsageError() {
    assertEquals(2, run("serve", "--index", tmp.resolve("missing").toString(), "--port", "0"));
    assertTrue(cli.err().contains("no index at"), cli.err());
  }

  @Test
  void badOptionsAreUsageErrors() throws IOException {
    assertEquals(2, run("serve", "--index", tmp.toString(), "--port", "70000"));
    assertTrue(cli.err().contains("--port must be from 0 to 65535"), cli.err());
    assertEquals(2, run("serve", "--index", tmp.toString(), "--max-upload-mb", "0"));
    Files.writeString(tmp.resolve("notes.txt"), "x");
    assertEquals(
        2, run("serve", "--index", tmp.toString(), "--port", "0"), "a folder without an index");
  }

  @Test
  void aLuceneIndexTexhashDidNotWriteIsRefused() throws IOException {
    Path other = tmp.resolve("other");
    try (IndexWriter writer = new IndexWriter(FSDirectory.open(other), new IndexWriterConfig())) {
      writer.addDocument(new Document());
      writer.commit();
    }
    assertEquals(2, run("serve", "--index", other.toString(), "--port", "0"));
    assertTrue(cli.err().contains("texhash did not write"), cli.err());
  }

  @Test
  void portInUseIsAFailureWithTheReason() throws IOException {
    try (TestServer s = new TestServer(tmp, 2)) {
      assertEquals(
          1,
          run("serve", "--index", s.index.toString(), "--port", Integer.toString(s.server.port())));
      assertTrue(cli.err().contains("cannot listen on 127.0.0.1:" + s.server.port()), cli.err());
    }
  }
}
