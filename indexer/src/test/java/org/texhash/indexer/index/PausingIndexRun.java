package org.texhash.indexer.index;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.texhash.indexer.encoder.Encoder;
import org.texhash.indexer.encoder.classic.LbpLshEncoder;

/**
 * The child JVM of {@link KillResumeTest}: indexes {@code args[0]} into {@code args[1]}, committing
 * every {@code args[2]} documents, and after each image file prints {@code progress done unchanged
 * indexed committed} and waits for a line on stdin, so the parent can kill it -9 at an exact point.
 */
public final class PausingIndexRun {
  private PausingIndexRun() {}

  public static void main(String[] args) throws Exception {
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    FolderIndexer.Options options =
        FolderIndexer.Options.defaults()
            .withThreads(2)
            .withBatchImages(3)
            .withCommitEvery(Integer.parseInt(args[2]));
    try (Encoder encoder = new LbpLshEncoder(64, 32)) {
      new FolderIndexer(
              encoder,
              options,
              p -> {
                System.out.println(
                    "progress "
                        + p.done()
                        + " "
                        + p.unchanged()
                        + " "
                        + p.indexed()
                        + " "
                        + p.committed());
                System.out.flush();
                try {
                  if (in.readLine() == null) {
                    System.exit(3); // the parent is gone
                  }
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              })
          .index(Path.of(args[0]), Path.of(args[1]));
    }
    System.out.println("finished");
  }
}
