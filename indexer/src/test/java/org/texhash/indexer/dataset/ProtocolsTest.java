package org.texhash.indexer.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProtocolsTest {
  @TempDir Path tmp;

  @Test
  void vistexSplitsEachImageIntoThreeTrainAndOneQueryQuadrant() throws IOException {
    Path ds = GratingTextures.vistexDataset(tmp.resolve("v"), 5, 96);
    Files.writeString(ds.resolve("LICENSE.txt"), "not an image");
    DatasetSplit s = Protocols.load("vistex", ds, 42, 128);
    assertEquals(5, s.classNames().size());
    assertEquals(15, s.trainRegions().size());
    assertEquals(5, s.queryRegions().size());
    assertEquals(s.train(), s.database());
    for (LabeledImage li : s.queryRegions()) {
      assertEquals(64, li.image().getWidth());
      assertEquals(64, li.image().getHeight());
    }
    for (int label = 0; label < 5; label++) {
      int l = label;
      Set<Integer> trainQ =
          s.train().stream()
              .filter(r -> r.label() == l)
              .map(Region::index)
              .collect(Collectors.toSet());
      List<Region> q = s.query().stream().filter(r -> r.label() == l).toList();
      assertEquals(1, q.size());
      assertEquals(3, trainQ.size());
      assertFalse(trainQ.contains(q.get(0).index()), "query quadrant is not a training quadrant");
      assertEquals(Protocols.queryQuadrant(42, s.classNames().get(l)), q.get(0).index());
    }
  }

  @Test
  void splitsAreDeterministicAndDependOnTheSeed() throws IOException {
    Path ds = GratingTextures.vistexDataset(tmp.resolve("v"), 12, 64);
    DatasetSplit a = Protocols.load("vistex", ds, 1, 64);
    DatasetSplit b = Protocols.load("vistex", ds, 1, 64);
    DatasetSplit c = Protocols.load("vistex", ds, 2, 64);
    assertEquals(keys(a.query()), keys(b.query()));
    assertEquals(keys(a.train()), keys(b.train()));
    assertFalse(
        keys(a.query()).equals(keys(c.query())),
        "12 classes: another seed moves some query quadrant");
  }

  @Test
  void alotSplitsImagesPerClassSeventyTwentyTen() throws IOException {
    Path ds = GratingTextures.alotDataset(tmp.resolve("a"), 3, 10, 32);
    DatasetSplit s = Protocols.load("alot", ds, 5);
    assertEquals(3, s.classNames().size());
    assertEquals(21, s.trainRegions().size());
    assertEquals(6, s.queryRegions().size());
    assertEquals(3, s.validationRegions().size());
    Set<String> all = new HashSet<>();
    for (List<Region> l : List.of(s.train(), s.query(), s.validation())) {
      for (Region r : l) {
        assertTrue(all.add(r.image()), "each image has one role: " + r.image());
      }
    }
    assertEquals(30, all.size());
    assertEquals(keys(s.query()), keys(Protocols.load("alot", ds, 5).query()));
  }

  @Test
  void unseenEvaluatesOnClassesDisjointFromTheFittingOnes() throws IOException {
    Path ds = GratingTextures.vistexDataset(tmp.resolve("v"), 8, 64);
    DatasetSplit s = Protocols.load("unseen", ds, 3, 64);
    Set<Integer> fit = s.train().stream().map(Region::label).collect(Collectors.toSet());
    Set<Integer> db = s.database().stream().map(Region::label).collect(Collectors.toSet());
    Set<Integer> q = s.query().stream().map(Region::label).collect(Collectors.toSet());
    assertEquals(4, fit.size());
    assertEquals(4, db.size());
    assertEquals(db, q);
    assertTrue(fit.stream().noneMatch(db::contains));
    assertEquals(12, s.train().size());
    assertEquals(4, s.query().size());
  }

  @Test
  void crossPackageUnseenTrainsOnOtherSourcesAndEvaluatesTheHeldOutOne() throws IOException {
    Path pool =
        GratingTextures.poolDataset(
            tmp.resolve("pool"), List.of("alpha", "beta", "gamma"), new int[] {3, 4, 2}, 96);
    Files.writeString(pool.resolve("LICENSES.tsv"), "not an image");
    DatasetSplit s = Protocols.load("unseen-beta", pool, 9, 128);
    assertEquals("unseen-beta", s.protocol());
    assertEquals(9, s.classNames().size());
    assertTrue(s.classNames().contains("beta/tex03"));
    assertEquals(5, s.train().size(), "one whole image per class of alpha and gamma");
    assertTrue(
        s.train().stream()
            .allMatch(r -> r.index() == Region.WHOLE && r.pixels().getWidth() == 128));
    assertTrue(s.train().stream().noneMatch(r -> r.image().startsWith("beta")));
    assertEquals(4, s.query().size());
    assertEquals(12, s.database().size());
    for (Region q : s.query()) {
      assertTrue(q.content().className().startsWith("beta/"));
      assertEquals(Protocols.queryQuadrant(9, q.content().className()), q.index());
      assertEquals(64, q.pixels().getWidth());
      assertTrue(
          s.database().stream().noneMatch(d -> d.key().equals(q.key())),
          "query quadrant is not in the database");
    }
    Set<Integer> fit = s.train().stream().map(Region::label).collect(Collectors.toSet());
    assertTrue(s.evaluatedLabels().stream().noneMatch(fit::contains));
    assertEquals(keys(s.query()), keys(Protocols.load("unseen-beta", pool, 9, 128).query()));

    TexturePool p = TexturePool.open(pool);
    assertEquals(List.of("alpha", "beta", "gamma"), p.sources());
    assertEquals(5, p.imagesExcept("beta").size());
    assertTrue(
        p.imagesExcept("beta").stream()
            .noneMatch(f -> f.getParent().getFileName().toString().equals("beta")));
    assertTrue(Protocols.isKnown("unseen-beta"));
    assertFalse(Protocols.isKnown("unseen-"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Protocols.load("unseen-delta", pool, 1));
    assertTrue(e.getMessage().contains("[alpha, beta, gamma]"), e.getMessage());
    Path flat = GratingTextures.vistexDataset(tmp.resolve("flat"), 3, 64);
    assertThrows(IllegalArgumentException.class, () -> Protocols.load("unseen-beta", flat, 1));
  }

  @Test
  void wholePoolTrainsOnEverySourceAndEvaluatesNothing() throws IOException {
    Path pool =
        GratingTextures.poolDataset(
            tmp.resolve("whole"), List.of("alpha", "beta"), new int[] {3, 2}, 96);
    DatasetSplit s = Protocols.load(Protocols.WHOLE_POOL, pool, 9, 128);
    assertEquals(5, s.train().size());
    assertEquals(5, s.classNames().size());
    assertTrue(s.query().isEmpty() && s.database().isEmpty());
    assertTrue(
        s.trainRegions().stream()
            .allMatch(r -> r.image().getWidth() == 128 && r.image().getHeight() == 128));
    assertFalse(Protocols.isKnown(Protocols.WHOLE_POOL), "not an evaluation protocol");
  }

  @Test
  void badInputIsAClearError() throws IOException {
    Path ds = GratingTextures.vistexDataset(tmp.resolve("v"), 3, 64);
    assertThrows(IllegalArgumentException.class, () -> Protocols.load("nope", ds, 1));
    assertThrows(
        IllegalArgumentException.class, () -> Protocols.load("vistex", tmp.resolve("missing"), 1));
    assertThrows(IllegalArgumentException.class, () -> Protocols.load("alot", ds, 1));
    Path one = GratingTextures.vistexDataset(tmp.resolve("one"), 1, 64);
    Files.writeString(one.resolve("broken.png"), "not a png");
    assertThrows(IllegalArgumentException.class, () -> Protocols.load("vistex", one, 1));
  }

  private static List<String> keys(List<Region> regions) {
    return regions.stream().map(Region::key).toList();
  }
}
