package org.texhash.indexer.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.texhash.indexer.dataset.DatasetSplit;
import org.texhash.indexer.dataset.GratingTextures;
import org.texhash.indexer.dataset.Manifest;
import org.texhash.indexer.dataset.PatchSampler;
import org.texhash.indexer.dataset.PatchSpec;
import org.texhash.indexer.dataset.Protocols;
import org.texhash.indexer.dataset.QueryTransform;
import org.texhash.indexer.encoder.Encoder;
import org.texhash.indexer.encoder.Encoders;

class EvaluatorTest {
  private static final int CLASSES = 6;
  private static final int RESIZE = 192;
  private static final int PATCH = 32;

  @TempDir static Path tmp;
  static DatasetSplit split;
  static Manifest manifest;

  @BeforeAll
  static void dataset() throws IOException {
    Path ds = GratingTextures.vistexDataset(tmp.resolve("vistex"), CLASSES, 160);
    split = Protocols.load("vistex", ds, 17, RESIZE);
    manifest = PatchSampler.sample(split, 20, 5, PATCH, RESIZE);
  }

  @Test
  void manifestRoundTripsAndSamplingIsDeterministic() throws IOException {
    Path file = tmp.resolve("m.tsv");
    manifest.write(file);
    assertEquals(manifest, Manifest.read(file));
    assertEquals(manifest, PatchSampler.sample(split, 20, 5, PATCH, RESIZE));
    assertEquals(CLASSES * 20, manifest.patches(PatchSpec.Role.DATABASE).size());
    assertEquals(CLASSES * 5, manifest.patches(PatchSpec.Role.QUERY).size());
    assertEquals(manifest.patches(PatchSpec.Role.DATABASE), manifest.fitPatches());
    Files.writeString(tmp.resolve("bad.tsv"), "not a manifest\n");
    assertThrows(IllegalArgumentException.class, () -> Manifest.read(tmp.resolve("bad.tsv")));
  }

  @Test
  void queryPatchesNeverOverlapDatabasePatches() {
    List<PatchSpec> db = manifest.patches(PatchSpec.Role.DATABASE);
    for (PatchSpec q : manifest.patches(PatchSpec.Role.QUERY)) {
      Rectangle qr = inImage(q);
      for (PatchSpec d : db) {
        if (d.image().equals(q.image())) {
          assertFalse(qr.intersects(inImage(d)), "query " + q + " overlaps database " + d);
          assertTrue(d.region() != q.region());
        }
      }
    }
  }

  @Test
  void lbpLshEndToEndBeatsChanceByFar() throws IOException {
    Evaluator ev = new Evaluator(split, manifest, Evaluator.Options.defaults(), null);
    EvalEncoders.Opened lsh = new EvalEncoders(split, manifest, null).open("lbp-lsh-64");
    EvalResult r = ev.evaluate(lsh.encoder(), 0);
    // chance MAP is about 1/6; measured 0.9997 (lbp-lsh-64) and 1.0 (itq-32) on this data
    assertTrue(r.map() > 0.9, "MAP " + r.map());
    assertTrue(r.mapPessimistic() <= r.map() && r.map() <= r.mapOptimistic());
    assertEquals(CLASSES * 5, r.queries());
    assertEquals(CLASSES * 20, r.database());
    assertEquals(CLASSES, r.classes());
    assertEquals(65, r.precisionByRadius().length);
    assertEquals(1.0, r.recallByRadius()[64], 1e-12);
    assertTrue(r.toJson().contains("\"encoder\": \"lbp-lsh-64-s32\""), r.toJson());
  }

  @Test
  void identityQueryTransformGivesTheSameResultAndRealOnesChangeCodes() throws IOException {
    Evaluator ev = new Evaluator(split, manifest, Evaluator.Options.defaults(), null);
    EvalEncoders encoders = new EvalEncoders(split, manifest, null);
    EvalResult plain = ev.evaluate(encoders.open("lbp-lsh-64").encoder(), 0);
    List<QueryTransform> transforms =
        QueryTransform.parseAll(List.of("identity", "scale:2", "jpeg:30"));
    List<EvalResult> results = ev.evaluate(encoders.open("lbp-lsh-64").encoder(), 0, transforms);
    assertEquals(3, results.size());
    EvalResult identity = results.get(0);
    assertEquals("identity", identity.queryTransform());
    assertEquals(plain.map(), identity.map(), 0.0);
    assertEquals(plain.mapPessimistic(), identity.mapPessimistic(), 0.0);
    assertEquals(plain.precisionAtTop(), identity.precisionAtTop());
    assertArrayEquals(plain.precisionByRadius(), identity.precisionByRadius(), 0.0);
    assertEquals("scale:2", results.get(1).queryTransform());
    assertTrue(
        results.get(2).toJson().contains("\"query_transform\": \"jpeg:30\""),
        results.get(2).toJson());

    List<PatchSpec> queries = manifest.patches(PatchSpec.Role.QUERY);
    org.texhash.indexer.encoder.Encoder lsh = encoders.open("lbp-lsh-64").encoder();
    for (QueryTransform t : transforms.subList(1, 3)) {
      var before = lsh.encode(PatchSampler.crop(split, queries, lsh.inputSize()));
      var after = lsh.encode(PatchSampler.crop(split, queries, lsh.inputSize(), t));
      long changed =
          java.util.stream.IntStream.range(0, queries.size())
              .filter(i -> !before.get(i).equals(after.get(i)))
              .count();
      assertTrue(
          changed > queries.size() / 2,
          t + " changed " + changed + " of " + queries.size() + " codes");
      assertTrue(
          results.get(transforms.indexOf(t)).map() != plain.map(), t + " left MAP unchanged");
    }
  }

  @Test
  void regionUnitHashesWholeRegionsLikeIndexedImages() throws IOException {
    Manifest regions = PatchSampler.sampleRegions(split, 4, PATCH, RESIZE);
    Path file = tmp.resolve("regions.tsv");
    regions.write(file);
    assertEquals(regions, Manifest.read(file));
    assertEquals(Manifest.Unit.REGION, regions.unit());
    assertEquals(Manifest.Unit.PATCH, manifest.unit(), "a manifest without the key holds patches");
    List<PatchSpec> db = regions.patches(PatchSpec.Role.DATABASE);
    assertEquals(split.database().size(), db.size());
    assertEquals(split.query().size(), regions.patches(PatchSpec.Role.QUERY).size());
    assertEquals(CLASSES * 4, regions.fitPatches().size(), "ITQ fits on S x S patches");
    assertTrue(regions.fitPatches().stream().allMatch(p -> p.size() == PATCH));
    for (PatchSpec row : db) {
      BufferedImage whole = split.regionsByKey().get(row.regionKey()).pixels();
      assertEquals(whole.getWidth(), row.size(), "a row covers its whole quadrant");
    }

    Evaluator ev = new Evaluator(split, regions, Evaluator.Options.defaults(), null);
    EvalEncoders encoders = new EvalEncoders(split, regions, null);
    EvalResult r = ev.evaluate(encoders.open("lbp-lsh-64").encoder(), 0);
    // 3 relevant regions among 18: chance is about 0.3; measured 1.0
    assertTrue(r.map() > 0.9, "MAP " + r.map());
    assertEquals(db.size(), r.database());
    assertTrue(r.toJson().contains("\"unit\": \"region\""), r.toJson());
    assertTrue(ev.evaluate(encoders.open("itq-32").encoder(), 0).map() > 0.9);

    // every item is hashed from the 3 x 3 grid of 32-pixel crops of its 96-pixel quadrant
    List<Integer> batches = new java.util.ArrayList<>();
    Encoder lsh = encoders.open("lbp-lsh-64").encoder();
    Encoder counting =
        new Encoder() {
          public String id() {
            return lsh.id();
          }

          public int bits() {
            return lsh.bits();
          }

          public int inputSize() {
            return lsh.inputSize();
          }

          public float[][] features(List<BufferedImage> patches) {
            batches.add(patches.size());
            return lsh.features(patches);
          }
        };
    assertEquals(r.map(), ev.evaluate(counting, 0).map(), 0.0);
    assertTrue(batches.size() >= db.size() && batches.stream().allMatch(n -> n == 9), "" + batches);
  }

  @Test
  void itqEndToEnd() throws IOException {
    Evaluator ev = new Evaluator(split, manifest, Evaluator.Options.defaults(), null);
    EvalEncoders.Opened itq = new EvalEncoders(split, manifest, null).open("itq-32");
    assertTrue(itq.fitSeconds() > 0);
    EvalResult r = ev.evaluate(itq.encoder(), itq.fitSeconds());
    assertTrue(r.map() > 0.9, "MAP " + r.map());
    assertEquals("itq-32", r.encoder());
  }

  @Test
  void expandsFamiliesOverBits() {
    assertEquals(
        List.of("lbp-lsh-32", "lbp-lsh-64", "itq-32", "itq-64", "m.onnx"),
        Encoders.expand(List.of("lbp-lsh", "itq", "m.onnx"), List.of(32, 64)));
    assertEquals(List.of("itq-64"), Encoders.expand(List.of("itq"), List.of()));
    assertThrows(IllegalArgumentException.class, () -> Encoders.expand(List.of(" "), List.of()));
  }

  /** A patch's rectangle in the resized image's coordinates. */
  private static Rectangle inImage(PatchSpec p) {
    int half = RESIZE / 2;
    return new Rectangle(
        (p.region() % 2) * half + p.x(), (p.region() / 2) * half + p.y(), p.size(), p.size());
  }
}
