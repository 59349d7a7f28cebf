package org.texhash.trainer.nn;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.texhash.indexer.io.Folders;

/**
 * A training run's {@code checkpoints/} folder: one {@code step-NNNNNNNN} folder per checkpoint and
 * a {@code latest} file naming the newest complete one. The pointer is written (atomically) only
 * after the checkpoint itself, so a kill mid-save leaves the previous checkpoint in charge; the
 * newest {@value #KEPT} checkpoints are kept.
 */
public final class CheckpointFolder {
  static final int KEPT = 2;

  private final Path dir;

  /** The checkpoints of the run writing to {@code runDir}. */
  public CheckpointFolder(Path runDir) {
    this.dir = runDir.resolve("checkpoints");
  }

  /** What writes one checkpoint into an empty folder. */
  public interface Saving {
    void save(Path checkpoint) throws IOException;
  }

  /** The newest checkpoint that {@code complete} accepts, or null when there is none. */
  public Path latest(Predicate<Path> complete) throws IOException {
    Path pointer = dir.resolve("latest");
    if (!Files.isRegularFile(pointer)) {
      return null;
    }
    Path checkpoint = dir.resolve(Files.readString(pointer, StandardCharsets.UTF_8).trim());
    return complete.test(checkpoint) ? checkpoint : null;
  }

  /** The newest checkpoint older than {@code checkpoint} that {@code complete} accepts, or null. */
  public Path before(Path checkpoint, Predicate<Path> complete) throws IOException {
    String name = checkpoint.getFileName().toString();
    List<Path> older =
        steps().stream().filter(d -> d.getFileName().toString().compareTo(name) < 0).toList();
    for (int i = older.size() - 1; i >= 0; i--) {
      if (complete.test(older.get(i))) {
        return older.get(i);
      }
    }
    return null;
  }

  /**
   * Makes {@code checkpoint} the latest and deletes the newer ones (suspected of holding a
   * divergence; a replay from {@code checkpoint} writes checkpoints of those steps again).
   */
  public void rollBackTo(Path checkpoint) throws IOException {
    String name = checkpoint.getFileName().toString();
    AtomicFiles.write(
        dir.resolve("latest"), out -> out.write(name.getBytes(StandardCharsets.UTF_8)));
    for (Path newer : steps()) {
      if (newer.getFileName().toString().compareTo(name) > 0) {
        Folders.deleteTree(newer);
      }
    }
  }

  /** Saves the checkpoint of {@code step}, points {@code latest} at it and drops the older ones. */
  public void save(long step, Saving saving) throws IOException {
    String name = String.format(Locale.ROOT, "step-%08d", step);
    saving.save(dir.resolve(name));
    AtomicFiles.write(
        dir.resolve("latest"), out -> out.write(name.getBytes(StandardCharsets.UTF_8)));
    List<Path> steps = steps();
    for (Path old : steps.subList(0, Math.max(0, steps.size() - KEPT))) {
      Folders.deleteTree(old);
    }
  }

  /** The {@code step-NNNNNNNN} folders, oldest first. */
  private List<Path> steps() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(d -> Files.isDirectory(d) && d.getFileName().toString().startsWith("step-"))
          .sorted()
          .toList();
    }
  }
}
