package org.texhash.indexer.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.texhash.indexer.encoder.Encoder;
import org.texhash.indexer.encoder.EncoderMismatchException;
import org.texhash.indexer.encoder.Encoders;
import org.texhash.indexer.encoder.ImageCodes;
import org.texhash.indexer.encoder.TinyOnnxModel;
import org.texhash.indexer.encoder.classic.LbpLshEncoder;
import org.texhash.indexer.image.ImageLoader;
import org.texhash.indexer.image.TestImages;
import org.texhash.indexer.index.FolderIndexer;
import org.texhash.indexer.index.IndexInfo;
import org.texhash.lucene.HashCode;

/** The searcher owns its query encoder: the recorded one or an override, opened once, lazily. */
class TextureSearcherTest {
  private static final FolderIndexer.Options OPTIONS =
      FolderIndexer.Options.defaults().withThreads(1);

  @TempDir Path tmp;
  private Path images;
  private Path index;
  private final List<Path> files = new ArrayList<>();

  @BeforeEach
  void writeImages() throws IOException {
    images = tmp.resolve("images");
    index = tmp.resolve("index");
    for (int i = 0; i < 3; i++) {
      files.add(
          TestImages.writeTexture(images.resolve("t" + i + ".png"), 70 + i, 40)
              .toAbsolutePath()
              .normalize());
    }
  }

  @Test
  void imageQueriesUseTheRecordedEncoderOpenedOnce() throws IOException {
    try (Encoder built = new LbpLshEncoder(64, 32)) {
      new FolderIndexer(built, OPTIONS, p -> {}).index(images, index);
      try (TextureSearcher s = TextureSearcher.open(index)) {
        Encoder first = s.encoder();
        assertEquals(built.id(), first.id());
        assertSame(first, s.encoder());
        HashCode code = s.codeOfImage(files.get(1));
        assertEquals(ImageCodes.code(built, ImageLoader.load(files.get(1))), code);
        assertEquals(0, s.nearest(code, 1, null).get(0).distance());
      }
    }
  }

  @Test
  void aMismatchingOverrideIsRefusedAtTheFirstImageQueryOnly() throws IOException {
    try (Encoder built = new LbpLshEncoder(64, 32)) {
      new FolderIndexer(built, OPTIONS, p -> {}).index(images, index);
    }
    try (TextureSearcher s = TextureSearcher.open(index, "lbp-lsh-32-s32")) {
      HashCode indexed = s.codeOfPath(files.get(0).toString());
      assertEquals(
          0, s.nearest(indexed, 1, null).get(0).distance()); // code queries need no encoder
      EncoderMismatchException e =
          assertThrows(EncoderMismatchException.class, () -> s.codeOfImage(files.get(0)));
      assertTrue(
          e.getMessage().contains("lbp-lsh-64-s32") && e.getMessage().contains("lbp-lsh-32-s32"),
          e.getMessage());
    }
  }

  @Test
  void aRecordedModelThatMovedAwayNeedsAnOverride() throws IOException {
    TinyOnnxModel tiny = new TinyOnnxModel(16, 8, 5);
    Path model = tiny.write(tmp.resolve("tiny.onnx"), tiny.metadata("tiny-16"));
    HashCode expected;
    try (Encoder onnx = Encoders.open(model.toString())) {
      new FolderIndexer(onnx, OPTIONS, p -> {}).index(images, index);
      expected = ImageCodes.code(onnx, ImageLoader.load(files.get(2)));
    }
    Path moved = Files.move(model, tmp.resolve("moved.onnx"));
    try (TextureSearcher s = TextureSearcher.open(index)) {
      assertEquals(expected, s.codeOfPath(files.get(2).toString())); // path queries need no encoder
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> s.codeOfImage(files.get(2)));
      assertTrue(
          e.getMessage().contains("cannot be opened") && e.getMessage().contains("--encoder"),
          e.getMessage());
    }
    try (TextureSearcher s = TextureSearcher.open(index, moved.toString())) {
      assertEquals(expected, s.codeOfImage(files.get(2)));
    }
  }

  @Test
  void aViewWithoutAnEncoderAnswersCodeQueriesOnly() throws IOException {
    try (Encoder built = new LbpLshEncoder(64, 32)) {
      new FolderIndexer(built, OPTIONS, p -> {}).index(images, index);
      try (FSDirectory dir = FSDirectory.open(index);
          DirectoryReader reader = DirectoryReader.open(dir)) {
        IndexInfo info =
            IndexInfo.fromUserData(reader.getIndexCommit().getUserData()).orElseThrow();
        IndexSearcher searcher = new IndexSearcher(reader);
        TextureSearcher codesOnly = TextureSearcher.over(searcher, info, index);
        assertEquals(
            3, codesOnly.nearest(codesOnly.codeOfPath(files.get(0).toString()), 5, null).size());
        assertThrows(IllegalStateException.class, () -> codesOnly.codeOfImage(files.get(0)));
        TextureSearcher withEncoder = TextureSearcher.over(searcher, info, index, built);
        assertSame(built, withEncoder.encoder());
        try (Encoder other = new LbpLshEncoder(32, 32)) {
          assertThrows(
              EncoderMismatchException.class,
              () -> TextureSearcher.over(searcher, info, index, other));
        }
      }
    }
  }
}
