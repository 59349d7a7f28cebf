package org.texhash.indexer.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.Bits;
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
import org.texhash.indexer.search.TextureSearcher;
import org.texhash.indexer.search.TextureSearcher.Hit;
import org.texhash.lucene.HashCode;

class FolderIndexerTest {
  private static final Encoder ENCODER = new LbpLshEncoder(64, 32);
  private static final FolderIndexer.Options OPTIONS =
      FolderIndexer.Options.defaults().withThreads(2).withBatchImages(3).withMaxPixels(1_000_000);

  @TempDir Path tmp;
  private Path images;
  private Path index;
  private final List<Path> good = new ArrayList<>();

  @BeforeEach
  void writeFolder() throws IOException {
    images = tmp.resolve("images");
    index = tmp.resolve("index");
    String[] names = {
      "a.png",
      "b.jpg",
      "c.bmp",
      "d.gif",
      "e.tif",
      "wood/f.png",
      "wood/g.jpeg",
      "wood/h.png",
      "stone/i.png",
      "stone/j.tiff",
      "stone/deep/k.png"
    };
    for (int i = 0; i < names.length; i++) {
      good.add(TestImages.writeTexture(images.resolve(names[i]), 1000 + i, 48 + 16 * (i % 4)));
    }
    Files.writeString(images.resolve("LICENSE.txt"), "CC0"); // not an image: ignored
    Files.writeString(images.resolve(".hidden.png"), "skipped: hidden");
  }

  private void writeBadFiles() throws IOException {
    Path bad = Files.createDirectories(images.resolve("bad"));
    Files.write(bad.resolve("empty.png"), new byte[0]);
    byte[] jpeg = Files.readAllBytes(images.resolve("b.jpg"));
    Files.write(bad.resolve("truncated.jpg"), TestImages.truncate(jpeg, 0.5));
    byte[] png = Files.readAllBytes(images.resolve("a.png"));
    byte[] corrupt = png.clone();
    for (int i = 40; i < corrupt.length; i += 7) {
      corrupt[i] ^= 0x55;
    }
    Files.write(bad.resolve("corrupt.png"), corrupt);
    Files.writeString(bad.resolve("report.png"), "%PDF-1.4 a PDF named like an image");
    Files.write(bad.resolve("layers.psd"), new byte[] {'8', 'B', 'P', 'S', 0, 1, 0, 0});
    Files.write(bad.resolve("bomb.png"), TestImages.pngClaiming(40_000, 40_000));
  }

  @Test
  void indexesEveryImageOnceAndEachFindsItselfAtDistanceZero() throws Exception {
    IndexReport report = new FolderIndexer(ENCODER, OPTIONS, p -> {}).index(images, index);
    assertEquals(good.size(), report.indexed());
    assertEquals(0, report.unchanged());
    assertEquals(1, report.ignored());
    assertEquals(List.of(), report.errors());
    assertEquals(good.size(), paths().size());

    IndexInfo info = IndexInfo.read(index).orElseThrow();
    assertEquals(
        new IndexInfo("lbp-lsh-64-s32", "lbp-lsh-64-s32", 64, 32, info.mihSubstrings()), info);
    assertTrue(info.mihSubstrings() > 0);

    try (TextureSearcher s = TextureSearcher.open(index)) {
      for (Path file : good) {
        HashCode code = s.codeOfImage(file); // the recorded encoder, reopened by its id
        assertEquals(code, ImageCodes.code(ENCODER, ImageLoader.load(file)));
        List<Hit> hits = s.nearest(code, 3, null);
        assertEquals(0, hits.get(0).distance());
        assertTrue(
            hits.stream().anyMatch(h -> h.path().equals(abs(file)) && h.distance() == 0),
            hits.toString());
        assertEquals(code, s.codeOfPath(abs(file)));
      }
    }
  }

  @Test
  void searchesEqualABruteForceReference() throws Exception {
    new FolderIndexer(ENCODER, OPTIONS, p -> {}).index(images, index);
    Map<String, HashCode> codes = new TreeMap<>();
    for (Path file : good) {
      codes.put(abs(file), ImageCodes.code(ENCODER, ImageLoader.load(file)));
    }
    try (TextureSearcher s = TextureSearcher.open(index)) {
      for (HashCode query :
          List.of(
              codes.get(abs(good.get(0))),
              codes.get(abs(good.get(7))),
              HashCode.fromHex("00ff00ff00ff00ff"))) {
        // Top-k: the distances are the k smallest, and every path closer than the k-th is there.
        List<Integer> sorted = codes.values().stream().map(query::distance).sorted().toList();
        List<Hit> top = s.nearest(query, 5, null);
        assertEquals(sorted.subList(0, 5), top.stream().map(Hit::distance).toList());
        for (Hit h : top) {
          assertEquals(codes.get(h.path()).distance(query), h.distance());
          assertEquals(1f / (1 + h.distance()), h.score(), 1e-6);
        }
        // Radius: exactly the paths within r, nearest first.
        int r = sorted.get(4);
        Set<String> within = new HashSet<>();
        codes.forEach(
            (p, c) -> {
              if (c.distance(query) <= r) {
                within.add(p);
              }
            });
        List<Hit> radius = s.withinRadius(query, r, null, Integer.MAX_VALUE);
        assertEquals(within, new HashSet<>(radius.stream().map(Hit::path).toList()));
        assertTrue(isSortedByDistance(radius));
        assertEquals(Math.min(2, radius.size()), s.withinRadius(query, r, null, 2).size());
        // Path prefix: only the wood folder.
        String wood = abs(images.resolve("wood")) + "/";
        List<Hit> inWood = s.nearest(query, 10, wood);
        assertEquals(3, inWood.size());
        assertTrue(inWood.stream().allMatch(h -> h.path().startsWith(wood)));
        assertTrue(
            s.withinRadius(query, 64, wood, 100).stream().allMatch(h -> h.path().startsWith(wood)));
      }
      HashCode hex = s.parseCode(codes.get(abs(good.get(3))).toHex());
      assertEquals(abs(good.get(3)), s.nearest(hex, 1, null).get(0).path());
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> s.parseCode("abcd"));
      assertTrue(
          e.getMessage().contains("16 bits") && e.getMessage().contains("64-bit"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> s.codeOfPath("/nowhere.png"));
      assertTrue(e.getMessage().contains("not in the index"), e.getMessage());
    }
  }

  @Test
  void secondRunIsIncremental() throws Exception {
    FolderIndexer indexer = new FolderIndexer(ENCODER, OPTIONS, p -> {});
    indexer.index(images, index);
    IndexReport again = indexer.index(images, index);
    assertEquals(0, again.indexed());
    assertEquals(good.size(), again.unchanged());
    assertEquals(0, again.deleted());

    // New content, same name: re-encoded. Same content, new time: not re-encoded.
    Path changed = good.get(0);
    TestImages.writeTexture(changed, 4242, 64);
    Path touched = good.get(1);
    Files.setLastModifiedTime(
        touched, FileTime.fromMillis(Files.getLastModifiedTime(touched).toMillis() + 60_000));
    Path removed = good.get(2);
    Files.delete(removed);
    Path added = TestImages.writeTexture(images.resolve("stone/new.png"), 777, 64);

    IndexReport third = indexer.index(images, index);
    assertEquals(2, third.indexed(), "changed + added");
    assertEquals(good.size() - 2, third.unchanged(), "all others, the touched one included");
    assertEquals(1, third.deleted());
    Map<String, Long> modified = modifiedTimes();
    assertEquals(good.size(), modified.size());
    assertEquals(Files.getLastModifiedTime(touched).toMillis(), modified.get(abs(touched)));
    assertTrue(modified.containsKey(abs(added)));
    try (TextureSearcher s = TextureSearcher.open(index)) {
      assertEquals(ImageCodes.code(ENCODER, ImageLoader.load(changed)), s.codeOfPath(abs(changed)));
    }
    IndexReport fourth = indexer.index(images, index);
    assertEquals(0, fourth.indexed());
    assertEquals(good.size(), fourth.unchanged());
  }

  @Test
  void badFilesAreReportedAndSkipped() throws Exception {
    writeBadFiles();
    IndexReport report = new FolderIndexer(ENCODER, OPTIONS, p -> {}).index(images, index);
    assertEquals(good.size(), report.indexed());
    Map<String, String> reasons = new HashMap<>();
    report
        .errors()
        .forEach(e -> reasons.put(Path.of(e.path()).getFileName().toString(), e.reason()));
    assertEquals(6, reasons.size(), reasons.toString());
    assertTrue(reasons.get("empty.png").contains("empty file"), reasons.toString());
    assertTrue(reasons.get("truncated.jpg").contains("truncated JPEG"), reasons.toString());
    assertTrue(reasons.get("corrupt.png").contains("PNG"), reasons.toString());
    assertTrue(reasons.get("report.png").contains("unsupported format"), reasons.toString());
    assertTrue(reasons.get("layers.psd").contains("unsupported format"), reasons.toString());
    assertTrue(reasons.get("bomb.png").contains("over the limit"), reasons.toString());
    assertEquals(good.size(), paths().size());

    // A file that was good and turns bad loses its (now wrong) document.
    Files.write(good.get(5), new byte[] {1, 2, 3});
    IndexReport again = new FolderIndexer(ENCODER, OPTIONS, p -> {}).index(images, index);
    assertEquals(7, again.skipped());
    assertEquals(good.size() - 1, paths().size());
  }

  @Test
  void aRunKilledMidwayLeavesTheLastCommitAndTheNextRunFinishesWithoutDuplicates()
      throws Exception {
    FolderIndexer.Options options = OPTIONS.withCommitEvery(2).withBatchImages(2);
    RuntimeException kill = new RuntimeException("killed");
    FolderIndexer dying =
        new FolderIndexer(
            ENCODER,
            options,
            p -> {
              if (p.done() == 7) {
                throw kill;
              }
            });
    assertEquals(kill, assertThrows(RuntimeException.class, () -> dying.index(images, index)));
    List<String> survived = paths();
    assertEquals(6, survived.size(), "three commits of two documents each: " + survived);
    assertEquals(new HashSet<>(survived).size(), survived.size());

    IndexReport resumed = new FolderIndexer(ENCODER, options, p -> {}).index(images, index);
    assertEquals(6, resumed.unchanged());
    assertEquals(good.size() - 6, resumed.indexed());
    List<String> all = paths();
    assertEquals(good.size(), all.size());
    assertEquals(good.size(), new HashSet<>(all).size());
  }

  @Test
  void aDifferentEncoderIsRefusedWithWhatToDo() throws Exception {
    new FolderIndexer(ENCODER, OPTIONS, p -> {}).index(images, index);
    Encoder other = new LbpLshEncoder(32, 32);
    EncoderMismatchException e =
        assertThrows(
            EncoderMismatchException.class,
            () -> new FolderIndexer(other, OPTIONS, p -> {}).index(images, index));
    assertTrue(
        e.getMessage().contains("lbp-lsh-64-s32") && e.getMessage().contains("--encoder"),
        e.getMessage());
    try (TextureSearcher s = TextureSearcher.open(index, other.id())) {
      assertThrows(EncoderMismatchException.class, () -> s.codeOfImage(good.get(0)));
    }
    assertEquals(good.size(), paths().size());
  }

  @Test
  void anOnnxEncoderIndexesInBatchesAndIsRecordedByItsFile() throws Exception {
    TinyOnnxModel tiny = new TinyOnnxModel(16, 8, 5);
    Path model = tiny.write(tmp.resolve("tiny.onnx"), tiny.metadata("tiny-16"));
    try (Encoder onnx = Encoders.open(model.toString())) {
      IndexReport report = new FolderIndexer(onnx, OPTIONS, p -> {}).index(images, index);
      assertEquals(good.size(), report.indexed());
      IndexInfo info = IndexInfo.read(index).orElseThrow();
      assertEquals("tiny-16", info.encoderId());
      assertEquals(abs(model), info.encoderSource());
      try (TextureSearcher s = TextureSearcher.open(index)) {
        for (Path file : good) {
          HashCode code = ImageCodes.code(onnx, ImageLoader.load(file));
          assertEquals(code, s.codeOfPath(abs(file)), file.toString());
          assertEquals(0, s.nearest(code, 1, null).get(0).distance());
        }
      }
    }
    TinyOnnxModel retrained = new TinyOnnxModel(16, 8, 6);
    try (Encoder other =
        Encoders.open(
            retrained
                .write(tmp.resolve("other.onnx"), retrained.metadata("tiny-16-v2"))
                .toString())) {
      EncoderMismatchException e =
          assertThrows(
              EncoderMismatchException.class,
              () -> new FolderIndexer(other, OPTIONS, p -> {}).index(images, index));
      assertTrue(
          e.getMessage().contains("tiny-16") && e.getMessage().contains(abs(model)),
          e.getMessage());
    }
  }

  @Test
  void progressIsReportedForEveryImageFile() throws Exception {
    writeBadFiles();
    List<FolderIndexer.Progress> seen = new ArrayList<>();
    new FolderIndexer(ENCODER, OPTIONS, seen::add).index(images, index);
    int total = good.size() + 6;
    assertEquals(total, seen.size());
    for (int i = 0; i < total; i++) {
      assertEquals(i + 1, seen.get(i).done());
      assertEquals(total, seen.get(i).total());
    }
    FolderIndexer.Progress last = seen.get(total - 1);
    assertEquals(good.size(), last.indexed());
    assertEquals(6, last.skipped());
  }

  @Test
  void anIndexInsideTheFolderIsNotIndexedItself() throws Exception {
    Path inside = images.resolve("idx");
    IndexReport first = new FolderIndexer(ENCODER, OPTIONS, p -> {}).index(images, inside);
    IndexReport second = new FolderIndexer(ENCODER, OPTIONS, p -> {}).index(images, inside);
    assertEquals(good.size(), first.indexed());
    assertEquals(good.size(), second.unchanged());
    assertEquals(first.ignored(), second.ignored());
  }

  @Test
  void missingFolderAndMissingIndexAreUsageErrors() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new FolderIndexer(ENCODER).index(tmp.resolve("nope"), index));
    assertTrue(e.getMessage().startsWith("not a folder"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class, () -> TextureSearcher.open(tmp.resolve("nope")));
    assertTrue(e.getMessage().contains("texhash index"), e.getMessage());
  }

  @Test
  void anEmptyFolderMakesAnEmptyButValidIndex() throws Exception {
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    IndexReport report = new FolderIndexer(ENCODER, OPTIONS, p -> {}).index(empty, index);
    assertEquals(0, report.indexed());
    try (TextureSearcher s = TextureSearcher.open(index)) {
      assertEquals(0, s.numDocs());
      assertEquals(List.of(), s.nearest(HashCode.fromHex("0123456789abcdef"), 3, null));
      assertEquals(List.of(), s.withinRadius(HashCode.fromHex("0123456789abcdef"), 3, null, 10));
    }
  }

  private static boolean isSortedByDistance(List<Hit> hits) {
    return hits.equals(hits.stream().sorted(Comparator.comparingInt(Hit::distance)).toList());
  }

  private static String abs(Path p) {
    return p.toAbsolutePath().normalize().toString();
  }

  /** The path of every live document, in index order (a duplicate would appear twice). */
  private List<String> paths() throws IOException {
    return stored().stream().map(IndexFields.FileState::path).toList();
  }

  private Map<String, Long> modifiedTimes() throws IOException {
    Map<String, Long> out = new TreeMap<>();
    stored().forEach(s -> out.put(s.path(), s.modified()));
    return out;
  }

  private List<IndexFields.FileState> stored() throws IOException {
    List<IndexFields.FileState> out = new ArrayList<>();
    try (FSDirectory dir = FSDirectory.open(index);
        DirectoryReader reader = DirectoryReader.open(dir)) {
      for (LeafReaderContext leaf : reader.leaves()) {
        Bits live = leaf.reader().getLiveDocs();
        StoredFields fields = leaf.reader().storedFields();
        for (int doc = 0; doc < leaf.reader().maxDoc(); doc++) {
          if (live == null || live.get(doc)) {
            out.add(IndexFields.read(fields, doc).orElseThrow());
          }
        }
      }
    }
    return out;
  }
}
