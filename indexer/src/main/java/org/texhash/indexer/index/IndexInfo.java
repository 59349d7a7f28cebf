package org.texhash.indexer.index;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.texhash.indexer.encoder.Encoder;
import org.texhash.indexer.encoder.EncoderMismatchException;
import org.texhash.indexer.encoder.Encoders;

/**
 * What an index was built with, kept in its commit user data: the encoder id (and how to reopen
 * it), K, the patch size S and the number of multi-index hashing substrings m. Every commit of
 * {@link FolderIndexer} carries it, so it is there as soon as the index has any document.
 */
public record IndexInfo(
    String encoderId, String encoderSource, int bits, int inputSize, int mihSubstrings) {
  public static final String ENCODER_ID = "texhash.encoder.id";
  public static final String ENCODER_SOURCE = "texhash.encoder.source";
  public static final String BITS = "texhash.bits";
  public static final String INPUT_SIZE = "texhash.input_size";
  public static final String MIH_SUBSTRINGS = "texhash.mih_substrings";

  /** The info an index built with {@code encoder} and m substrings records. */
  public static IndexInfo of(Encoder encoder, int mihSubstrings) {
    return new IndexInfo(
        encoder.id(), Encoders.source(encoder), encoder.bits(), encoder.inputSize(), mihSubstrings);
  }

  public Map<String, String> toUserData() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(ENCODER_ID, encoderId);
    m.put(ENCODER_SOURCE, encoderSource);
    m.put(BITS, Integer.toString(bits));
    m.put(INPUT_SIZE, Integer.toString(inputSize));
    m.put(MIH_SUBSTRINGS, Integer.toString(mihSubstrings));
    return m;
  }

  /** The info in a commit's user data; empty when the commit has none (not a texhash index). */
  public static Optional<IndexInfo> fromUserData(Map<String, String> data) {
    String id = data.get(ENCODER_ID);
    if (id == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new IndexInfo(
              id,
              data.getOrDefault(ENCODER_SOURCE, id),
              Integer.parseInt(data.get(BITS)),
              Integer.parseInt(data.get(INPUT_SIZE)),
              Integer.parseInt(data.getOrDefault(MIH_SUBSTRINGS, "0"))));
    } catch (NumberFormatException e) {
      throw new IllegalStateException("the index's commit data is damaged: " + data, e);
    }
  }

  /** The info of the latest commit in {@code directory}; empty when there is no commit yet. */
  public static Optional<IndexInfo> read(Directory directory) throws IOException {
    if (!DirectoryReader.indexExists(directory)) {
      return Optional.empty();
    }
    try (DirectoryReader reader = DirectoryReader.open(directory)) {
      return fromUserData(reader.getIndexCommit().getUserData());
    }
  }

  /**
   * {@link #read(Directory)} for an index folder; empty when the folder does not exist (and it is
   * not created: a refused run leaves nothing behind).
   *
   * @throws IllegalArgumentException when {@code indexDir} is a file
   */
  public static Optional<IndexInfo> read(Path indexDir) throws IOException {
    checkNotAFile(indexDir);
    if (!Files.isDirectory(indexDir)) {
      return Optional.empty();
    }
    try (Directory dir = FSDirectory.open(indexDir)) {
      return read(dir);
    }
  }

  /**
   * Opens the encoder that hashes queries and new files for this index: {@code override} when
   * given, else the one the index records ({@link #encoderSource}); either way it must be
   * {@linkplain #checkCompatible compatible}. A recorded encoder that cannot be opened (an .onnx
   * file that moved away) gets a message saying to name it with --encoder.
   *
   * @throws IllegalArgumentException when the encoder cannot be opened
   * @throws EncoderMismatchException when it is not the index's encoder
   */
  public Encoder openEncoder(String override, Path indexDir) throws IOException {
    Encoder encoder;
    if (override != null) {
      encoder = Encoders.open(override);
    } else {
      try {
        encoder = Encoders.open(encoderSource);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "the index's encoder "
                + encoderSource
                + " cannot be opened ("
                + e.getMessage()
                + "); pass it with --encoder",
            e);
      }
    }
    try {
      checkCompatible(encoder, indexDir);
    } catch (RuntimeException e) {
      encoder.close();
      throw e;
    }
    return encoder;
  }

  /** An index is a folder: a file given as one gets a message saying so, not just its path. */
  public static void checkNotAFile(Path indexDir) {
    if (Files.exists(indexDir) && !Files.isDirectory(indexDir)) {
      throw new IllegalArgumentException(
          indexDir
              + " is a file, not an index folder (give --index a folder, new or built by texhash"
              + " index)");
    }
  }

  /**
   * Refuses {@code encoder} unless it is the one this index was built with: codes of different
   * encoders are not comparable, and mixing them would give silently wrong results.
   *
   * @throws EncoderMismatchException naming both encoders and what to do
   */
  public void checkCompatible(Encoder encoder, Path indexDir) {
    if (!encoderId.equals(encoder.id())
        || bits != encoder.bits()
        || inputSize != encoder.inputSize()) {
      throw new EncoderMismatchException(
          "index "
              + indexDir
              + " was built with encoder "
              + encoderId
              + " ("
              + bits
              + " bits, "
              + inputSize
              + " x "
              + inputSize
              + " patches, from "
              + encoderSource
              + "), not "
              + encoder.id()
              + " ("
              + encoder.bits()
              + " bits, "
              + encoder.inputSize()
              + " x "
              + encoder.inputSize()
              + " patches). Use --encoder "
              + encoderSource
              + " (or leave --encoder out), or build a new index in another --index folder.");
    }
  }
}
