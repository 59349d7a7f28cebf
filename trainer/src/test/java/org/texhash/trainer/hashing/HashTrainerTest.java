package org.texhash.trainer.hashing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.texhash.indexer.dataset.LabeledImage;
import org.texhash.indexer.encoder.OnnxEncoder;
import org.texhash.indexer.image.SyntheticTextures;
import org.texhash.trainer.nn.CurveLog;
import org.texhash.trainer.nn.GlobalPool;
import org.texhash.trainer.tsn.TsnModel;
import org.texhash.trainer.tsn.TsnPreset;

class HashTrainerTest {
  @TempDir Path tmp;

  /** Four synthetic classes, three 40 x 40 regions each. */
  static List<LabeledImage> regions() {
    List<LabeledImage> out = new ArrayList<>();
    for (int c = 0; c < 4; c++) {
      for (int r = 0; r < 3; r++) {
        out.add(new LabeledImage(c, "class" + c, SyntheticTextures.generate(10 * c + 1, 40, 40)));
      }
    }
    return out;
  }

  static Path tinyTsn(Path dir) throws Exception {
    try (TsnModel m = TsnModel.create(TsnPreset.of("tiny"), 3)) {
      m.saveGenerator(dir);
    }
    return dir;
  }

  static HashOptions options(Objective o, BackboneKind backbone, int steps, Path tsn) {
    return new HashOptions(
        HashPreset.of("tiny"),
        o,
        backbone,
        16,
        true,
        backbone.readsTsn(),
        steps,
        5,
        tsn,
        TrainingCrops.PLAIN,
        16, // tiny's S
        null);
  }

  /** The encoder contract's input: [N, 3, S, S] planes in [-1, 1]. */
  private static float[] planar(List<BufferedImage> patches) {
    int s = patches.get(0).getWidth();
    float[] out = new float[patches.size() * 3 * s * s];
    for (int i = 0; i < patches.size(); i++) {
      for (int y = 0; y < s; y++) {
        for (int x = 0; x < s; x++) {
          int rgb = patches.get(i).getRGB(x, y);
          for (int c = 0; c < 3; c++) {
            out[((i * 3 + c) * s + y) * s + x] = ((rgb >>> (16 - 8 * c)) & 0xFF) / 127.5f - 1f;
          }
        }
      }
    }
    return out;
  }

  static TrainingSlots slots(HashOptions o) {
    HashPreset p = o.preset();
    return new TrainingSlots(
        regions(),
        o.cropSize(),
        p.realPerClass(),
        o.augmentation() ? p.augPerClass() : 0,
        p.batchSize(),
        o.seed(),
        p.channelOrders(),
        p.sourceBalance());
  }

  private static double mean(CurveLog log, int from, int to) {
    double s = 0;
    for (int i = from; i < to; i++) {
      s += log.value(i, 0);
    }
    return s / (to - from);
  }

  @Test
  void tinyRunsLowerTheirLossForEveryObjective() throws Exception {
    Path tsn = tinyTsn(tmp.resolve("tsn"));
    for (Objective o : Objective.values()) {
      HashOptions opts = options(o, BackboneKind.TSN, 60, tsn);
      Path work = tmp.resolve("work-" + o.id());
      try (HashTrainer t =
          new HashTraining(work, new PrintStream(new ByteArrayOutputStream()))
              .run(opts, slots(opts), false)) {
        assertEquals(60, t.step());
      }
      CurveLog log = CurveLog.open(work.resolve("losses.csv"), HashTraining.COLUMNS, 60);
      assertEquals(60, log.size());
      double first = mean(log, 0, 10);
      double last = mean(log, 50, 60);
      assertTrue(last < first, o.id() + ": loss " + first + " -> " + last);
    }
  }

  @Test
  void resumedRunRepeatsTheUninterruptedOneAndExports() throws Exception {
    HashOptions full = options(Objective.DSDH, BackboneKind.CNN, 12, null);
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
    float[] probe = new float[2 * 3 * 16 * 16];
    for (int i = 0; i < probe.length; i++) {
      probe[i] = (float) Math.sin(i);
    }
    float[] expected;
    try (HashTrainer t = new HashTraining(tmp.resolve("a"), quiet).run(full, slots(full), false)) {
      expected = t.encode(probe, 2);
    }
    HashOptions half =
        options(Objective.DSDH, BackboneKind.CNN, 10, null); // checkpoints every 10 steps
    new HashTraining(tmp.resolve("b"), quiet).run(half, slots(half), false).close();
    try (HashTrainer t = new HashTraining(tmp.resolve("b"), quiet).run(full, slots(full), true)) {
      assertEquals(12, t.step());
      assertArrayEquals(expected, t.encode(probe, 2), 1e-6f);
      Path onnx = tmp.resolve("cnn.onnx");
      String id = t.export(onnx, Map.of("dataset", "synthetic"));
      try (OnnxEncoder e = OnnxEncoder.open(onnx)) {
        assertEquals(id, e.id());
        assertEquals(16, e.bits());
        assertEquals(16, e.inputSize());
        assertEquals("dsdh", e.objective());
        assertEquals("cnn", e.backbone());
        assertEquals("synthetic", e.metadata().get("texhash.training.dataset"));
      }
    }
  }

  @Test
  void tunedTsnTrainsGsMapsResumesExactlyAndExportsThem() throws Exception {
    Path tsn = tinyTsn(tmp.resolve("tsn"));
    HashOptions full = options(Objective.DSDH, BackboneKind.TUNED_TSN, 12, tsn);
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
    List<BufferedImage> patches =
        List.of(SyntheticTextures.generate(7, 16, 16), SyntheticTextures.generate(8, 16, 16));
    float[] probe = planar(patches);
    float[] expected;
    try (HashTrainer t = new HashTraining(tmp.resolve("a"), quiet).run(full, slots(full), false);
        TsnModel trained = TsnModel.loadGenerator(tsn)) {
      expected = t.encode(probe, 2);
      var tuned = t.network().backbone();
      assertTrue(tuned instanceof TunedTsnTaps);
      var before = trained.generator().getParameters();
      var after = ((TunedTsnTaps) tuned).generator().getParameters();
      for (int i = 0; i < before.size(); i++) {
        String name = before.get(i).getKey();
        boolean same =
            before.get(i).getValue().getArray().contentEquals(after.get(i).getValue().getArray());
        boolean mapPath = !name.matches("\\d*(outer|head).*");
        // batch-norm statistics aside, every map-path parameter moved; the output layers did not
        if (!name.contains("running")) {
          assertEquals(!mapPath, same, name);
        }
      }
    }
    HashOptions half = options(Objective.DSDH, BackboneKind.TUNED_TSN, 10, tsn);
    new HashTraining(tmp.resolve("b"), quiet).run(half, slots(half), false).close();
    try (HashTrainer t = new HashTraining(tmp.resolve("b"), quiet).run(full, slots(full), true)) {
      assertEquals(12, t.step());
      assertArrayEquals(expected, t.encode(probe, 2), 1e-6f);
      Path onnx = tmp.resolve("tuned.onnx");
      t.export(onnx, Map.of("dataset", "synthetic"));
      try (OnnxEncoder e = OnnxEncoder.open(onnx)) {
        assertEquals("tsn-tuned", e.backbone());
        float[][] exported = e.features(patches);
        for (int i = 0; i < patches.size(); i++) {
          float[] row = java.util.Arrays.copyOfRange(expected, 16 * i, 16 * (i + 1));
          assertArrayEquals(row, exported[i], 1e-4f, "the export holds the tuned G");
        }
      }
    }
  }

  @Test
  void aRunRecordsItsGAndRefusesToResumeOnAGThatHasChangedSince() throws Exception {
    Path tsn = tinyTsn(tmp.resolve("tsn"));
    String digest;
    try (TsnModel g = TsnModel.loadGenerator(tsn)) {
      digest = g.generatorDigest();
    }
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
    Path work = tmp.resolve("run");
    HashOptions first = options(Objective.DSDH, BackboneKind.TSN, 10, tsn);
    try (HashTrainer t = new HashTraining(work, quiet).run(first, slots(first), false)) {
      Path onnx = tmp.resolve("tsn.onnx");
      t.export(onnx, Map.of());
      try (OnnxEncoder e = OnnxEncoder.open(onnx)) {
        assertEquals(digest, e.metadata().get("texhash.tsn_generator"));
      }
    }
    // the same G saved again resumes; a G trained on (here: another initialisation) does not
    try (TsnModel same = TsnModel.loadGenerator(tsn)) {
      same.saveGenerator(tsn);
    }
    HashOptions longer = options(Objective.DSDH, BackboneKind.TSN, 12, tsn);
    new HashTraining(work, quiet).run(longer, slots(longer), true).close();
    try (TsnModel other = TsnModel.create(TsnPreset.of("tiny"), 4)) {
      assertNotEquals(digest, other.generatorDigest());
      other.saveGenerator(tsn);
    }
    HashOptions again = options(Objective.DSDH, BackboneKind.TSN, 14, tsn);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new HashTraining(work, quiet).run(again, slots(again), true));
    assertTrue(e.getMessage().contains("fingerprint " + digest), e.getMessage());
  }

  @Test
  void annealingAFinishedRunOnResumeEqualsPlanningTheAnneal() throws Exception {
    HashOptions planned =
        new HashOptions(
            HashPreset.of("tiny").withAnnealSteps(4),
            Objective.DHCQ,
            BackboneKind.CNN,
            16,
            true,
            false,
            14,
            5,
            null,
            TrainingCrops.PLAIN,
            16, // tiny's S
            null);
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
    float[] probe = new float[3 * 16 * 16];
    for (int i = 0; i < probe.length; i++) {
      probe[i] = (float) Math.cos(i);
    }
    float[] expected;
    float[] constant;
    try (HashTrainer t =
        new HashTraining(tmp.resolve("planned"), quiet).run(planned, slots(planned), false)) {
      expected = t.encode(probe, 1);
    }
    HashOptions first =
        options(Objective.DHCQ, BackboneKind.CNN, 10, null); // no anneal, checkpoint at 10
    new HashTraining(tmp.resolve("late"), quiet).run(first, slots(first), false).close();
    HashOptions longer = options(Objective.DHCQ, BackboneKind.CNN, 14, null);
    try (HashTrainer t =
        new HashTraining(tmp.resolve("const"), quiet).run(longer, slots(longer), false)) {
      constant = t.encode(probe, 1);
    }
    try (HashTrainer t =
        new HashTraining(tmp.resolve("late"), quiet).run(planned, slots(planned), true)) {
      assertEquals(14, t.step());
      assertArrayEquals(expected, t.encode(probe, 1), 1e-6f);
    }
    float diff = 0;
    for (int i = 0; i < expected.length; i++) {
      diff = Math.max(diff, Math.abs(expected[i] - constant[i]));
    }
    assertTrue(diff > 1e-6f, "the annealed steps must differ from constant-rate ones");
  }

  @Test
  void viewCropsKeepEachStepsSlotsAndRepeatForAStep() {
    HashOptions o = options(Objective.COSINE, BackboneKind.CNN, 4, null);
    TrainingSlots slots = slots(o);
    assertNull(TrainingCrops.PLAIN.views(16));
    for (TrainingCrops crops : List.of(TrainingCrops.VIEWS, TrainingCrops.RELIT)) {
      ViewAugmentation views = crops.views(16);
      for (long step = 0; step < 3; step++) {
        TrainingSlots.Batch plain = slots.batch(step);
        TrainingSlots.Batch viewed = slots.batch(step, views);
        assertArrayEquals(plain.slots(), viewed.slots(), "the crops change pixels, not slots");
        assertArrayEquals(plain.labels(), viewed.labels());
        assertArrayEquals(viewed.inputs(), slots.batch(step, views).inputs());
        assertFalse(Arrays.equals(plain.inputs(), viewed.inputs()), crops + " change the pixels");
      }
    }
    // the same draws with stronger light: only the lit pixels differ
    float[] mild = slots.batch(0, TrainingCrops.VIEWS.views(16)).inputs();
    float[] relit = slots.batch(0, TrainingCrops.RELIT.views(16)).inputs();
    assertFalse(Arrays.equals(mild, relit), "relit views change the light");
    assertThrows(IllegalArgumentException.class, () -> new ViewAugmentation(16, 1.0));
  }

  @Test
  void aDeeperCnnTrainsResumesOnlyAtItsDepthAndExportsIt() throws Exception {
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
    HashOptions shallow = options(Objective.COSINE, BackboneKind.CNN, 10, null);
    HashOptions deep10 = withDepth(shallow, 2, 10);
    HashOptions deep12 = withDepth(shallow, 2, 12);
    new HashTraining(tmp.resolve("deep"), quiet).run(deep10, slots(deep10), false).close();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new HashTraining(tmp.resolve("deep"), quiet).run(shallow, slots(shallow), true));
    assertTrue(e.getMessage().contains("cnn_depth is 2"), e.getMessage());
    try (HashTrainer t =
        new HashTraining(tmp.resolve("deep"), quiet).run(deep12, slots(deep12), true)) {
      assertEquals(12, t.step());
      Path onnx = tmp.resolve("deep.onnx");
      String id = t.export(onnx, Map.of("dataset", "synthetic"));
      assertTrue(id.startsWith("cnn-cosine-16-noaug-d2-"), id);
      try (OnnxEncoder enc = OnnxEncoder.open(onnx)) {
        assertEquals("2", enc.metadata().get("texhash.cnn_depth"));
      }
    }
    // checkpoints written before the depth was recorded are depth-1 runs
    java.util.Properties older = shallow.toProperties();
    older.remove("cnn_depth");
    shallow.requireCompatible(older);
    IllegalArgumentException predates =
        assertThrows(IllegalArgumentException.class, () -> deep10.requireCompatible(older));
    // a checkpoint from before the key was made with one unit: the message says how to resume it
    assertTrue(
        predates
            .getMessage()
            .contains("cnn_depth is 1, this run asks for 2 (resume with --cnn-depth 1)"),
        predates.getMessage());
    // only the plain CNN has levels to deepen
    assertThrows(
        IllegalArgumentException.class,
        () ->
            withDepth(
                options(Objective.DSDH, BackboneKind.TSN, 10, tinyTsn(tmp.resolve("g"))), 2, 10));
    assertThrows(IllegalArgumentException.class, () -> HashPreset.of("tiny").withCnnDepth(0));
  }

  @Test
  void aWiderCnnTrainsResumesOnlyAtItsWidthAndExportsIt() throws Exception {
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
    HashOptions narrow = options(Objective.COSINE, BackboneKind.CNN, 10, null);
    HashOptions wide10 = withPreset(narrow, narrow.preset().withCnnWidth(2), 10);
    HashOptions wide12 = withPreset(narrow, narrow.preset().withCnnWidth(2), 12);
    TsnPreset tiny = TsnPreset.of("tiny");
    List<Integer> doubled = new ArrayList<>();
    for (int c : HashPreset.tapChannels(tiny)) {
      doubled.add(8 * Math.round(2 * c / 8f));
    }
    assertEquals(doubled, wide10.preset().cnnChannels(tiny));
    assertEquals(HashPreset.tapChannels(tiny), narrow.preset().cnnChannels(tiny));
    new HashTraining(tmp.resolve("wide"), quiet).run(wide10, slots(wide10), false).close();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new HashTraining(tmp.resolve("wide"), quiet).run(narrow, slots(narrow), true));
    assertTrue(e.getMessage().contains("cnn_width is 2.0"), e.getMessage());
    try (HashTrainer t =
        new HashTraining(tmp.resolve("wide"), quiet).run(wide12, slots(wide12), true)) {
      assertEquals(12, t.step());
      Path onnx = tmp.resolve("wide.onnx");
      String id = t.export(onnx, Map.of("dataset", "synthetic"));
      assertTrue(id.startsWith("cnn-cosine-16-noaug-w2-"), id);
      try (OnnxEncoder enc = OnnxEncoder.open(onnx)) {
        assertEquals("2.0", enc.metadata().get("texhash.cnn_width"));
        float[][] f = enc.features(List.of(SyntheticTextures.generate(3, 16, 16)));
        assertEquals(16, f[0].length);
      }
    }
    // checkpoints written before the width was recorded are width-1 runs
    java.util.Properties older = narrow.toProperties();
    older.remove("cnn_width");
    narrow.requireCompatible(older);
    assertThrows(IllegalArgumentException.class, () -> wide10.requireCompatible(older));
    // G's taps have the widths G was trained with
    assertThrows(
        IllegalArgumentException.class,
        () ->
            withPreset(
                options(Objective.DSDH, BackboneKind.TSN, 10, tinyTsn(tmp.resolve("g"))),
                HashPreset.of("tiny").withCnnWidth(2),
                10));
    // a wide backbone with the narrow one's head: only the last fusion conv and the hash layer
    HashOptions wideSmallHead =
        withPreset(narrow, narrow.preset().withCnnWidth(2).withDescriptorDims(64), 2);
    try (HashTrainer t =
        new HashTraining(tmp.resolve("wide-64"), quiet)
            .run(wideSmallHead, slots(wideSmallHead), false)) {
      Path onnx = tmp.resolve("wide-64.onnx");
      String id = t.export(onnx, Map.of("dataset", "synthetic"));
      assertTrue(id.startsWith("cnn-cosine-16-noaug-w2-D64-"), id);
      try (OnnxEncoder enc = OnnxEncoder.open(onnx)) {
        assertEquals("64", enc.metadata().get("texhash.descriptor_dims"));
      }
      assertTrue(Files.size(onnx) < Files.size(tmp.resolve("wide.onnx")), "a smaller head");
    }
    assertThrows(
        IllegalArgumentException.class,
        () -> new HashTraining(tmp.resolve("wide-64"), quiet).run(wide12, slots(wide12), true));
    assertThrows(
        IllegalArgumentException.class, () -> HashPreset.of("tiny").withDescriptorDims(60));
    assertThrows(IllegalArgumentException.class, () -> HashPreset.of("tiny").withCnnWidth(0.25f));
    assertThrows(IllegalArgumentException.class, () -> HashPreset.of("tiny").withCnnWidth(5));
  }

  @ParameterizedTest
  @EnumSource(
      value = PlainCnn.Stem.class,
      names = {"SIGNS", "SIGNS_1X1"})
  void aSignsStemTrainsResumesOnlyWithItsStemAndExportsIt(PlainCnn.Stem stem) throws Exception {
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
    HashOptions rgb = options(Objective.COSINE, BackboneKind.CNN, 10, null);
    HashOptions signs10 = withPreset(rgb, rgb.preset().withCnnStem(stem), 10);
    HashOptions signs12 = withPreset(rgb, rgb.preset().withCnnStem(stem), 12);
    new HashTraining(tmp.resolve("signs"), quiet).run(signs10, slots(signs10), false).close();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new HashTraining(tmp.resolve("signs"), quiet).run(rgb, slots(rgb), true));
    assertTrue(e.getMessage().contains("cnn_stem is " + stem.id()), e.getMessage());
    try (HashTrainer t =
        new HashTraining(tmp.resolve("signs"), quiet).run(signs12, slots(signs12), true)) {
      assertEquals(12, t.step());
      Path onnx = tmp.resolve("signs.onnx");
      String id = t.export(onnx, Map.of("dataset", "synthetic"));
      assertTrue(id.startsWith("cnn-cosine-16-noaug-" + stem.id() + "-"), id);
      try (OnnxEncoder enc = OnnxEncoder.open(onnx)) {
        assertEquals(stem.id(), enc.metadata().get("texhash.cnn_stem"));
        assertEquals(16, enc.bits());
        float[][] f = enc.features(List.of(SyntheticTextures.generate(3, 16, 16)));
        assertEquals(16, f[0].length);
      }
    }
    // checkpoints written before the stem was recorded read the colour only
    java.util.Properties older = rgb.toProperties();
    older.remove("cnn_stem");
    rgb.requireCompatible(older);
    assertThrows(IllegalArgumentException.class, () -> signs10.requireCompatible(older));
    // the signs feed the plain CNN's stem; G's first layer is trained on colour
    assertThrows(
        IllegalArgumentException.class,
        () ->
            withPreset(
                options(Objective.DSDH, BackboneKind.TSN, 10, tinyTsn(tmp.resolve("g"))),
                HashPreset.of("tiny").withCnnStem(stem),
                10));
    assertThrows(IllegalArgumentException.class, () -> PlainCnn.Stem.of("lbp"));
  }

  static HashOptions withDepth(HashOptions o, int depth, int steps) {
    return withPreset(o, o.preset().withCnnDepth(depth), steps);
  }

  private static HashOptions withPreset(HashOptions o, HashPreset preset, int steps) {
    return new HashOptions(
        preset,
        o.objective(),
        o.backbone(),
        o.bits(),
        o.attention(),
        o.augmentation(),
        steps,
        o.seed(),
        o.tsn(),
        o.crops(),
        o.cropSize(),
        o.teacher());
  }

  @Test
  void smallCropsTrainThenTheRunResumesAtTheFullSizeAndExportsForIt() throws Exception {
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
    HashOptions small = options(Objective.COSINE, BackboneKind.CNN, 10, null).withCropSize(8);
    assertEquals(small.preset().batchSize() * 3 * 8 * 8, slots(small).batch(0).inputs().length);
    new HashTraining(tmp.resolve("small"), quiet).run(small, slots(small), false).close();
    HashOptions full = options(Objective.COSINE, BackboneKind.CNN, 14, null);
    assertEquals(16, full.cropSize());
    List<BufferedImage> patches =
        List.of(SyntheticTextures.generate(3, 16, 16), SyntheticTextures.generate(4, 16, 16));
    try (HashTrainer t =
        new HashTraining(tmp.resolve("small"), quiet).run(full, slots(full), true)) {
      assertEquals(14, t.step());
      Path onnx = tmp.resolve("small.onnx");
      t.export(onnx, Map.of("dataset", "synthetic"));
      float[] trained = t.encode(planar(patches), 2);
      try (OnnxEncoder e = OnnxEncoder.open(onnx)) {
        assertEquals(16, e.inputSize());
        assertEquals("16", e.metadata().get("texhash.crop_size"));
        float[][] exported = e.features(patches);
        for (int i = 0; i < patches.size(); i++) {
          assertArrayEquals(Arrays.copyOfRange(trained, 16 * i, 16 * i + 16), exported[i], 1e-4f);
        }
      }
    }
    // tiny has 2 downsamplings: the backbone and the fusion's last unit halve 8 to 1
    for (int size : new int[] {4, 12, 32}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> full.withCropSize(size));
      assertTrue(e.getMessage().contains("multiple of 8 from 8 to 16"), e.getMessage());
    }
    // G's expansions are cropped at S
    HashOptions withG = options(Objective.DSDH, BackboneKind.TSN, 10, tinyTsn(tmp.resolve("g")));
    assertThrows(IllegalArgumentException.class, () -> withG.withCropSize(8));
  }

  @Test
  void aLargerBatchTrainsResumesOnlyAtItsSizeAndExportsIt() throws Exception {
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
    HashOptions preset = options(Objective.COSINE, BackboneKind.CNN, 10, null);
    int n = preset.preset().batchSize() + 2;
    HashOptions wide10 = withPreset(preset, preset.preset().withBatchSize(n), 10);
    HashOptions wide12 = withPreset(preset, preset.preset().withBatchSize(n), 12);
    TrainingSlots wideSlots = slots(wide10);
    assertTrue(wideSlots.size() >= n, "the test data holds a batch of " + n);
    assertEquals(n, wideSlots.batch(0).size());
    new HashTraining(tmp.resolve("wide"), quiet).run(wide10, slots(wide10), false).close();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new HashTraining(tmp.resolve("wide"), quiet).run(preset, slots(preset), true));
    assertTrue(e.getMessage().contains("batch_size is " + n), e.getMessage());
    try (HashTrainer t =
        new HashTraining(tmp.resolve("wide"), quiet).run(wide12, slots(wide12), true)) {
      assertEquals(12, t.step());
      Path onnx = tmp.resolve("wide.onnx");
      t.export(onnx, Map.of("dataset", "synthetic"));
      try (OnnxEncoder enc = OnnxEncoder.open(onnx)) {
        assertEquals(Integer.toString(n), enc.metadata().get("texhash.batch_size"));
      }
    }
    // checkpoints written before the batch was recorded used the preset's
    java.util.Properties older = preset.toProperties();
    older.remove("batch_size");
    preset.requireCompatible(older);
    assertThrows(IllegalArgumentException.class, () -> wide10.requireCompatible(older));
    for (int bad : new int[] {1, HashPreset.MAX_BATCH_SIZE + 1}) {
      assertThrows(IllegalArgumentException.class, () -> HashPreset.of("tiny").withBatchSize(bad));
    }
  }

  @Test
  void aPlainRunFineTunesOnViewsOnResume() throws Exception {
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
    HashOptions plain = options(Objective.COSINE, BackboneKind.CNN, 10, null);
    new HashTraining(tmp.resolve("run"), quiet).run(plain, slots(plain), false).close();
    HashOptions tuned =
        options(Objective.COSINE, BackboneKind.CNN, 14, null).withCrops(TrainingCrops.VIEWS);
    try (HashTrainer t =
        new HashTraining(tmp.resolve("run"), quiet).run(tuned, slots(tuned), true)) {
      assertEquals(14, t.step());
      assertTrue(t.options().tag().endsWith("-views"), t.options().tag());
    }
    assertThrows(
        IllegalArgumentException.class,
        () ->
            options(Objective.CONTRASTIVE, BackboneKind.CNN, 14, null)
                .withCrops(TrainingCrops.VIEWS));
  }

  @Test
  void theQuantisationWeightIsTheObjectivesUnlessSetAndMayChangeOnResume() throws Exception {
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
    Path work = tmp.resolve("run");
    HashOptions plain = options(Objective.COSINE, BackboneKind.CNN, 10, null);
    assertEquals(Objective.COSINE.eta, plain.quantisationWeight());
    new HashTraining(work, quiet).run(plain, slots(plain), false).close();
    HashOptions heavier =
        withPreset(HashPreset.of("tiny").withQuantisationWeight(2.5f), Objective.COSINE, 20);
    try (HashTrainer t = new HashTraining(work, quiet).run(heavier, slots(heavier), true)) {
      assertEquals(20, t.step());
      Path out = tmp.resolve("q.onnx");
      t.export(out, Map.of());
      try (OnnxEncoder e = OnnxEncoder.open(out)) {
        assertEquals("2.5", e.metadata().get("texhash.quantisation_weight"));
      }
    }
    // each logged total is the objective plus the weight in force at its step times the term
    CurveLog log = CurveLog.open(work.resolve("losses.csv"), HashTraining.COLUMNS, 20);
    for (int i = 0; i < 20; i++) {
      double weight = i < 10 ? Objective.COSINE.eta : 2.5;
      assertEquals(
          log.value(i, 1) + weight * log.value(i, 2), log.value(i, 0), 1e-4, "step " + (i + 1));
    }
    assertThrows(
        IllegalArgumentException.class, () -> HashPreset.of("tiny").withQuantisationWeight(-1f));
  }

  @Test
  void aStraightThroughRunLearnsThroughTheSignsAndMaySwitchOnResume() throws Exception {
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
    HashOptions fromScratch = straightThrough(Objective.COSINE, 60);
    Path scratch = tmp.resolve("scratch");
    new HashTraining(scratch, quiet).run(fromScratch, slots(fromScratch), false).close();
    CurveLog log = CurveLog.open(scratch.resolve("losses.csv"), HashTraining.COLUMNS, 60);
    double first = mean(log, 0, 10);
    double last = mean(log, 50, 60);
    assertTrue(last < first, "learning through the signs: " + first + " -> " + last);

    // a plain run switched to the codes on resume, as a fine-tune
    Path work = tmp.resolve("run");
    HashOptions plain = options(Objective.COSINE, BackboneKind.CNN, 10, null);
    new HashTraining(work, quiet).run(plain, slots(plain), false).close();
    HashOptions switched = straightThrough(Objective.COSINE, 20);
    try (HashTrainer t = new HashTraining(work, quiet).run(switched, slots(switched), true)) {
      assertEquals(20, t.step());
      Path out = tmp.resolve("ste.onnx");
      t.export(out, Map.of());
      try (OnnxEncoder e = OnnxEncoder.open(out)) {
        assertEquals("true", e.metadata().get("texhash.straight_through"));
        assertTrue(e.id().contains("-ste"), e.id());
      }
    }
    IllegalArgumentException noClassifier =
        assertThrows(IllegalArgumentException.class, () -> straightThrough(Objective.DSDH, 10));
    assertTrue(noClassifier.getMessage().contains("dhcq or cosine"), noClassifier.getMessage());
  }

  @Test
  void theCosineScaleAndMarginAreRecordedAndARunResumesOnlyWithItsOwn() throws Exception {
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
    Path work = tmp.resolve("run");
    HashPreset sharper = HashPreset.of("tiny").withCosineScale(32).withCosineMargin(0.35f);
    HashOptions first = withPreset(sharper, Objective.COSINE, 10);
    new HashTraining(work, quiet).run(first, slots(first), false).close();
    HashOptions longer = withPreset(sharper, Objective.COSINE, 20);
    try (HashTrainer t = new HashTraining(work, quiet).run(longer, slots(longer), true)) {
      Path out = tmp.resolve("m.onnx");
      t.export(out, Map.of());
      try (OnnxEncoder e = OnnxEncoder.open(out)) {
        assertEquals("32.0", e.metadata().get("texhash.cosine_scale"));
        assertEquals("0.35", e.metadata().get("texhash.cosine_margin"));
        assertTrue(e.id().startsWith("cnn-cosine-16-noaug-s32-m0.35-"), e.id());
      }
    }
    HashOptions defaults = options(Objective.COSINE, BackboneKind.CNN, 30, null);
    IllegalArgumentException other =
        assertThrows(
            IllegalArgumentException.class,
            () -> new HashTraining(work, quiet).run(defaults, slots(defaults), true));
    assertTrue(other.getMessage().contains("cosine_"), other.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> withPreset(HashPreset.of("tiny").withCosineMargin(0.3f), Objective.DHCQ, 10));
    assertThrows(IllegalArgumentException.class, () -> HashPreset.of("tiny").withCosineScale(0));
  }

  @Test
  void weightDecayAndTheCosineScheduleMaySwitchOnWhenARunResumesAndAreRecorded() throws Exception {
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
    Path work = tmp.resolve("run");
    HashOptions plain = options(Objective.COSINE, BackboneKind.CNN, 10, null);
    new HashTraining(work, quiet).run(plain, slots(plain), false).close();
    HashOptions decayed =
        withPreset(
            HashPreset.of("tiny").withWeightDecay(0.5f).withSchedule(HashPreset.Schedule.COSINE),
            Objective.COSINE,
            20);
    ByteArrayOutputStream said = new ByteArrayOutputStream();
    try (HashTrainer t =
        new HashTraining(work, new PrintStream(said, true, StandardCharsets.UTF_8))
            .run(decayed, slots(decayed), true)) {
      assertEquals(20, t.step());
      // what the leg changes is said, so a setting left to the preset is not changed unseen
      String log = said.toString(StandardCharsets.UTF_8);
      assertTrue(log.contains("this leg changes weight_decay 0.0 -> 0.5"), log);
      assertTrue(log.contains("this leg changes schedule constant -> cosine"), log);
      assertTrue(log.contains("this leg changes steps 10 -> 20"), log);
      assertFalse(log.contains("learning_rate"), log);
      Path out = tmp.resolve("wd.onnx");
      t.export(out, Map.of());
      try (OnnxEncoder e = OnnxEncoder.open(out)) {
        assertEquals("0.5", e.metadata().get("texhash.weight_decay"));
        assertEquals("cosine", e.metadata().get("texhash.schedule"));
        assertTrue(e.id().startsWith("cnn-cosine-16-noaug-cosine-wd0.5-"), e.id());
      }
    }
    assertThrows(IllegalArgumentException.class, () -> HashPreset.of("tiny").withWeightDecay(-1));
  }

  /** One 16 x 16 patch of each test region, as the encoder contract's planes. */
  private float[] probePatches() throws Exception {
    List<BufferedImage> patches = new ArrayList<>();
    for (LabeledImage r : regions()) {
      patches.add(r.image().getSubimage(3, 5, 16, 16));
    }
    return planar(patches);
  }

  /**
   * A 12-step cosine run under {@code preset}: its inference differs from the plain preset's (the
   * setting trained), a run stopped at step 10 and resumed gives the same inference (to {@code
   * tolerance}), and the export equals it and records {@code metaKey} and the model id's {@code
   * tag}. Returns the probe patches' continuous codes.
   */
  private float[] assertResumesExactlyAndExports(
      HashPreset preset, String tag, String metaKey, String metaValue, float tolerance)
      throws Exception {
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
    HashOptions full = withPreset(preset, Objective.COSINE, 12);
    float[] probe = probePatches();
    int n = regions().size();
    float[] expected;
    try (HashTrainer t = new HashTraining(tmp.resolve("a"), quiet).run(full, slots(full), false)) {
      expected = t.encode(probe, n);
      assertArrayEquals(expected, t.encode(probe, n), 0f, "inference is deterministic");
    }
    HashOptions plain = withPreset(HashPreset.of("tiny"), Objective.COSINE, 12);
    try (HashTrainer t =
        new HashTraining(tmp.resolve("p"), quiet).run(plain, slots(plain), false)) {
      assertFalse(Arrays.equals(expected, t.encode(probe, n)), tag + " changed nothing");
    }

    HashOptions half = withPreset(preset, Objective.COSINE, 10); // checkpoints every 10 steps
    new HashTraining(tmp.resolve("b"), quiet).run(half, slots(half), false).close();
    try (HashTrainer t = new HashTraining(tmp.resolve("b"), quiet).run(full, slots(full), true)) {
      assertArrayEquals(expected, t.encode(probe, n), tolerance, "resumed");
      Path out = tmp.resolve(tag + ".onnx");
      t.export(out, Map.of());
      try (OnnxEncoder e = OnnxEncoder.open(out)) {
        assertEquals(metaValue, e.metadata().get(metaKey));
        assertTrue(e.id().startsWith("cnn-cosine-16-noaug-" + tag + "-"), e.id());
        float[][] rows = e.featuresOfPlanes(probe, n);
        for (int i = 0; i < rows.length; i++) {
          assertArrayEquals(
              Arrays.copyOfRange(expected, i * 16, (i + 1) * 16), rows[i], 1e-4f, "patch " + i);
        }
      }
    }
    return expected;
  }

  @Test
  void aWeightAverageResumesExactlyIsWhatTheExportHoldsAndMayStartOnResume() throws Exception {
    HashPreset averaged = HashPreset.of("tiny").withWeightAverage(0.9f);
    assertResumesExactlyAndExports(averaged, "ema0.9", "texhash.weight_average", "0.9", 1e-6f);

    // switched on at a resume, the average starts from the weights there: one step on, it is
    // those of the same run resumed without averaging
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
    float[] probe = probePatches();
    HashOptions plain10 = withPreset(HashPreset.of("tiny"), Objective.COSINE, 10);
    HashOptions plain11 = withPreset(HashPreset.of("tiny"), Objective.COSINE, 11);
    HashOptions averaged11 = withPreset(averaged, Objective.COSINE, 11);
    float[][] atEleven = new float[2][];
    for (int run = 0; run < 2; run++) {
      Path work = tmp.resolve("c" + run);
      new HashTraining(work, quiet).run(plain10, slots(plain10), false).close();
      HashOptions resumed = run == 0 ? plain11 : averaged11;
      try (HashTrainer t = new HashTraining(work, quiet).run(resumed, slots(resumed), true)) {
        atEleven[run] = t.encode(probe, regions().size());
      }
    }
    assertArrayEquals(atEleven[0], atEleven[1], 0f);
    assertThrows(
        IllegalArgumentException.class, () -> HashPreset.of("tiny").withWeightAverage(0.5f));
    assertThrows(IllegalArgumentException.class, () -> HashPreset.of("tiny").withWeightAverage(1));
  }

  @Test
  void dropoutResumesExactlyChangesTrainingAndNeverTheExport() throws Exception {
    // bit-exact on resume: the same masks from the seed and the step
    HashPreset dropped = HashPreset.of("tiny").withDropout(0.5f);
    assertResumesExactlyAndExports(dropped, "drop0.5", "texhash.dropout", "0.5", 0f);
    assertThrows(IllegalArgumentException.class, () -> HashPreset.of("tiny").withDropout(-0.1f));
    assertThrows(IllegalArgumentException.class, () -> HashPreset.of("tiny").withDropout(0.95f));
  }

  @Test
  void proxySynthesisResumesExactlyChangesTrainingAndIsRecorded() throws Exception {
    HashPreset synthetic = HashPreset.of("tiny").withProxySynthesis(0.4f);
    assertResumesExactlyAndExports(synthetic, "ps0.4", "texhash.proxy_synthesis", "0.4", 0f);
    assertThrows(
        IllegalArgumentException.class, () -> HashPreset.of("tiny").withProxySynthesis(0.01f));
    // the synthetic classes mix the cosine classifier's rows
    assertThrows(IllegalArgumentException.class, () -> withPreset(synthetic, Objective.DHCQ, 10));
  }

  @Test
  void sharpnessAwareStepsResumeExactlyChangeTrainingAndAreRecorded() throws Exception {
    HashPreset sam = HashPreset.of("tiny").withSharpnessRadius(0.05f);
    assertResumesExactlyAndExports(sam, "sam0.05", "texhash.sharpness_radius", "0.05", 0f);
    assertThrows(
        IllegalArgumentException.class, () -> HashPreset.of("tiny").withSharpnessRadius(-0.01f));
    assertThrows(
        IllegalArgumentException.class, () -> HashPreset.of("tiny").withSharpnessRadius(3f));
  }

  @Test
  void aBackboneRateResumesExactlyFineTunesGSlowerAndNeedsABackboneThatTrains() throws Exception {
    HashPreset slow = HashPreset.of("tiny").withBackboneRate(0.1f);
    assertResumesExactlyAndExports(slow, "br0.1", "texhash.backbone_rate", "0.1", 0f);
    assertThrows(IllegalArgumentException.class, () -> HashPreset.of("tiny").withBackboneRate(0f));
    assertThrows(
        IllegalArgumentException.class, () -> HashPreset.of("tiny").withBackboneRate(1.5f));

    // G's maps move from the trained G by about the fraction of what they move at one rate
    Path tsn = tinyTsn(tmp.resolve("tsn"));
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
    float[] rates = {1f, 0.1f};
    double[] moved = new double[rates.length];
    for (int r = 0; r < rates.length; r++) {
      HashOptions o =
          withPreset(
              options(Objective.DSDH, BackboneKind.TUNED_TSN, 12, tsn),
              HashPreset.of("tiny").withBackboneRate(rates[r]),
              12);
      try (HashTrainer t = new HashTraining(tmp.resolve("g" + r), quiet).run(o, slots(o), false);
          TsnModel trained = TsnModel.loadGenerator(tsn)) {
        var before = trained.generator().getParameters();
        var after = ((TunedTsnTaps) t.network().backbone()).generator().getParameters();
        for (int i = 0; i < before.size(); i++) {
          if (!before.get(i).getKey().contains("running")) {
            moved[r] +=
                before
                    .get(i)
                    .getValue()
                    .getArray()
                    .sub(after.get(i).getValue().getArray())
                    .abs()
                    .sum()
                    .getFloat();
          }
        }
      }
    }
    assertTrue(moved[1] > 0 && moved[1] < 0.5 * moved[0], Arrays.toString(moved));

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> withPreset(options(Objective.DSDH, BackboneKind.TSN, 12, tsn), slow, 12));
    assertTrue(e.getMessage().contains("--backbone-rate"), e.getMessage());
  }

  @Test
  void aProjectionHeadResumesExactlyIsDroppedAtExportAndARunResumesOnlyWithItsOwn()
      throws Exception {
    HashPreset headed = HashPreset.of("tiny").withProjectionHead(32);
    assertResumesExactlyAndExports(headed, "head32", "texhash.projection_head", "32", 0f);
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
    HashOptions plain = withPreset(HashPreset.of("tiny"), Objective.COSINE, 20);
    IllegalArgumentException other =
        assertThrows(
            IllegalArgumentException.class,
            () -> new HashTraining(tmp.resolve("b"), quiet).run(plain, slots(plain), true));
    assertTrue(other.getMessage().contains("projection_head"), other.getMessage());
    assertThrows(IllegalArgumentException.class, () -> HashPreset.of("tiny").withProjectionHead(8));
    assertThrows(
        IllegalArgumentException.class,
        () -> HashPreset.of("tiny").withProjectionHead(HashPreset.MAX_PROJECTION_HEAD + 1));
    // DSDH fits its own classifier on B; proxy synthesis mixes the codes with the classifier's rows
    assertThrows(IllegalArgumentException.class, () -> withPreset(headed, Objective.DSDH, 10));
    assertThrows(
        IllegalArgumentException.class,
        () -> withPreset(headed.withProxySynthesis(0.4f), Objective.COSINE, 10));
  }

  @Test
  void recolouredClassesWidenTheClassifierAndARunResumesOnlyWithItsOwn() throws Exception {
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
    Path work = tmp.resolve("run");
    HashOptions recoloured =
        withPreset(HashPreset.of("tiny").withChannelOrders(3), Objective.COSINE, 10);
    TrainingSlots slots = slots(recoloured);
    assertEquals(12, slots.classes()); // 4 classes, each in 3 channel orders
    try (HashTrainer t = new HashTraining(work, quiet).run(recoloured, slots, false)) {
      Path out = tmp.resolve("orders.onnx");
      t.export(out, Map.of());
      try (OnnxEncoder e = OnnxEncoder.open(out)) {
        assertEquals("3", e.metadata().get("texhash.channel_orders"));
        assertTrue(e.id().startsWith("cnn-cosine-16-noaug-orders3-"), e.id());
      }
    }
    HashOptions plain = withPreset(HashPreset.of("tiny"), Objective.COSINE, 20);
    IllegalArgumentException other =
        assertThrows(
            IllegalArgumentException.class,
            () -> new HashTraining(work, quiet).run(plain, slots(plain), true));
    assertTrue(other.getMessage().contains("channel_orders"), other.getMessage());
  }

  private static HashOptions withPreset(HashPreset preset, Objective objective, int steps) {
    return new HashOptions(
        preset,
        objective,
        BackboneKind.CNN,
        16,
        true,
        false,
        steps,
        5,
        null,
        TrainingCrops.PLAIN,
        16,
        null);
  }

  private static HashOptions straightThrough(Objective objective, int steps) {
    return withPreset(HashPreset.of("tiny").withStraightThrough(true), objective, steps);
  }

  @Test
  void aDivergedIntervalIsNotCheckpointedAndTheRunResumesAtALowerRate() throws Exception {
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
    Path work = tmp.resolve("run");
    HashOptions first = options(Objective.COSINE, BackboneKind.CNN, 10, null);
    new HashTraining(work, quiet).run(first, slots(first), false).close();
    HashOptions longer = options(Objective.COSINE, BackboneKind.CNN, 30, null);
    // a past far below any real loss: the resumed run's first interval is a divergence from it,
    // which the guard sees only if it reads the steps before the resume from losses.csv
    Path csv = work.resolve("losses.csv");
    StringBuilder past = new StringBuilder("step,seconds,total,objective,quantisation\n");
    for (int step = 1; step <= 10; step++) {
      past.append(step).append(",0.1,0.000001,0.000001,0\n");
    }
    Files.writeString(csv, past);
    DivergenceGuard judgeEveryInterval = new DivergenceGuard(2, 1);
    DivergenceGuard.TrainingDiverged stop =
        assertThrows(
            DivergenceGuard.TrainingDiverged.class,
            () ->
                new HashTraining(work, quiet, judgeEveryInterval).run(longer, slots(longer), true));
    assertTrue(stop.getMessage().contains("steps 11-20"), stop.getMessage());
    assertTrue(stop.getMessage().contains("diverged again"), stop.getMessage());
    assertTrue(stop.getMessage().contains("first steps after the resume"), stop.getMessage());
    assertTrue(stop.getMessage().contains("after step 10"), stop.getMessage());
    assertEquals("step-00000010", HashTraining.latestCheckpoint(work).getFileName().toString());
    HashOptions slower =
        new HashOptions(
            longer.preset().withLearningRate(longer.preset().learningRate() / 2),
            longer.objective(),
            longer.backbone(),
            longer.bits(),
            longer.attention(),
            longer.augmentation(),
            longer.steps(),
            longer.seed(),
            longer.tsn(),
            longer.crops(),
            longer.cropSize(),
            longer.teacher());
    try (HashTrainer t = new HashTraining(work, quiet).run(slower, slots(slower), true)) {
      assertEquals(30, t.step());
    }
  }

  /**
   * Runs {@code o} with {@code reading} standing in for the loss the guard judges, asserts that it
   * ends exactly as a run that nothing interrupted, and returns its log.
   */
  private String runThroughFaults(HashOptions o, HashTraining.LossReading reading)
      throws Exception {
    float[] probe = probePatches();
    float[] expected;
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
    try (HashTrainer t =
        new HashTraining(tmp.resolve("a"), quiet, new DivergenceGuard(2, 1))
            .run(o, slots(o), false)) {
      expected = t.encode(probe, regions().size());
    }
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    HashTraining faulty =
        new HashTraining(tmp.resolve("b"), new PrintStream(log), new DivergenceGuard(2, 1));
    faulty.lossReading = reading;
    try (HashTrainer t = faulty.run(o, slots(o), false)) {
      assertEquals(o.steps(), t.step());
      assertArrayEquals(expected, t.encode(probe, regions().size()), 0f);
    }
    return log.toString();
  }

  @Test
  void aDivergenceThatDoesNotComeBackWhenReplayedWasAFaultAndTheRunGoesOnExactly()
      throws Exception {
    HashOptions o = options(Objective.COSINE, BackboneKind.CNN, 30, null);
    boolean[] struck = {false};
    // the loss of step 15 reads 1,000 times too high, once: what a fault of the machine does
    String log =
        runThroughFaults(
            o,
            (step, loss) -> {
              if (step == 15 && !struck[0]) {
                struck[0] = true;
                return loss * 1000;
              }
              return loss;
            });
    assertTrue(log.contains("steps 11-20"), log);
    assertTrue(log.contains("replaying from step-00000010"), log);
  }

  @Test
  void aFaultCheckpointedLateInAnIntervalIsReplayedFromTheCheckpointBeforeIt() throws Exception {
    HashOptions o = options(Objective.COSINE, BackboneKind.CNN, 30, null);
    // a fault enters the state at step 20, the last of its interval, so the step-20 checkpoint
    // carries it and steps 21-30 blow up from there; a pass through steps 11-20 from the step-10
    // checkpoint is clean (as a vistex DSDH run was: broken from step-1,100, sound from 1,000)
    boolean[] struck = {false};
    boolean[] carrying = {false};
    String log =
        runThroughFaults(
            o,
            (step, loss) -> {
              if (step < 20) {
                carrying[0] = false;
              } else if (step == 20 && !struck[0]) {
                struck[0] = true;
                carrying[0] = true;
                return loss;
              }
              return carrying[0] ? loss * 1000 : loss;
            });
    assertTrue(log.contains("replaying from step-00000020"), log);
    assertTrue(
        log.contains("diverged again from step-00000020; replaying from step-00000010"), log);
  }

  @Test
  void aDivergenceThatComesBackFromBothCheckpointsStopsTheRun() throws Exception {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    HashOptions o = options(Objective.COSINE, BackboneKind.CNN, 30, null);
    Path work = tmp.resolve("run");
    HashTraining broken = new HashTraining(work, new PrintStream(log), new DivergenceGuard(2, 1));
    broken.lossReading = (step, loss) -> step > 20 ? loss * 1000 : loss; // the training itself
    DivergenceGuard.TrainingDiverged stop =
        assertThrows(DivergenceGuard.TrainingDiverged.class, () -> broken.run(o, slots(o), false));
    assertTrue(stop.getMessage().contains("diverged again"), stop.getMessage());
    assertTrue(stop.getMessage().contains("steps 21-30"), stop.getMessage());
    assertTrue(log.toString().contains("replaying from step-00000010"), log.toString());
    // the replay from step 10 wrote step 20 again: the run resumes from it, nothing was lost
    assertEquals("step-00000020", HashTraining.latestCheckpoint(work).getFileName().toString());
  }

  @Test
  void distillingItsViewAveragedExportBringsOneViewCloserToIt() throws Exception {
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
    HashOptions plain = options(Objective.COSINE, BackboneKind.CNN, 60, null);
    Path teacher = tmp.resolve("teacher.onnx");
    float[] probe = probePatches();
    float[] before;
    try (HashTrainer t =
        new HashTraining(tmp.resolve("run"), quiet).run(plain, slots(plain), false)) {
      t.export(teacher, Map.of(), 4);
      before = t.encode(probe, regions().size());
    }
    float[] target = new float[before.length];
    try (OnnxEncoder e = OnnxEncoder.open(teacher)) {
      float[][] rows = e.featuresOfPlanes(probe, regions().size());
      for (int i = 0; i < rows.length; i++) {
        System.arraycopy(rows[i], 0, target, i * 16, 16);
      }
    }
    HashOptions distil =
        options(Objective.COSINE, BackboneKind.CNN, 300, null).withTeacher(teacher);
    try (HashTrainer t =
        new HashTraining(tmp.resolve("run"), quiet).run(distil, slots(distil), true)) {
      assertTrue(t.options().tag().endsWith("-distilled"), t.options().tag());
      double start = squaredDistance(before, target);
      double end = squaredDistance(t.encode(probe, regions().size()), target);
      assertTrue(end < 0.7 * start, "distance to the teacher " + start + " -> " + end);
    }
    IllegalArgumentException wrongBits =
        assertThrows(IllegalArgumentException.class, () -> Distillation.open(teacher, 32, 16));
    assertTrue(wrongBits.getMessage().contains("--bits"), wrongBits.getMessage());
  }

  private static double squaredDistance(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (a[i] - b[i]) * (a[i] - b[i]);
    }
    return s / a.length;
  }

  @Test
  void theCosineScheduleFallsFromTheRateToTheAnnealedRate() {
    HashPreset p =
        HashPreset.of("cpu")
            .withLearningRate(1e-3f)
            .withAnnealSteps(100)
            .withSchedule(HashPreset.Schedule.COSINE);
    assertEquals(1e-3f, p.learningRateAt(0, 1000), 1e-9f);
    assertEquals(5.5e-4f, p.learningRateAt(450, 1000), 1e-9f); // halfway: the mean of the two
    float previous = Float.MAX_VALUE;
    for (int done = 0; done < 900; done += 50) {
      float rate = p.learningRateAt(done, 1000);
      assertTrue(rate < previous && rate > 1e-4f, done + ": " + rate);
      previous = rate;
    }
    assertEquals(1e-4f, p.learningRateAt(900, 1000), 1e-9f); // then the anneal
    assertEquals(1e-4f, p.learningRateAt(999, 1000), 1e-9f);
    assertEquals(1e-4f, p.withAnnealSteps(0).learningRateAt(1000, 1000), 1e-9f);
  }

  @Test
  void theCpuPresetTrainsAsMeasuredBestAndTheOthersAsThePaper() {
    HashPreset cpu = HashPreset.of("cpu");
    assertEquals(7200, cpu.defaultSteps());
    assertEquals(1200, cpu.annealSteps());
    assertEquals(GlobalPool.Kind.MEAN_STD, cpu.pooling());
    assertEquals(1f, cpu.weightDecay());
    // a run of another length set without its anneal keeps the same share annealed
    assertEquals(600, cpu.withAnnealScaledTo(3600).annealSteps());
    assertEquals(5, cpu.withAnnealScaledTo(30).annealSteps());
    for (String name : List.of("tiny", "paper")) {
      HashPreset p = HashPreset.of(name);
      assertEquals(0, p.annealSteps(), name);
      assertEquals(0, p.withAnnealScaledTo(5).annealSteps(), name);
      assertEquals(GlobalPool.Kind.MEAN, p.pooling(), name);
      assertEquals(0f, p.weightDecay(), name);
    }
  }

  @Test
  void annealStepsRunAtATenthOfTheRate() {
    HashPreset p = HashPreset.of("cpu").withLearningRate(1e-3f).withAnnealSteps(100);
    assertEquals(1e-3f, p.learningRateAt(899, 1000));
    assertEquals(1e-4f, p.learningRateAt(900, 1000), 1e-9f);
    assertEquals(
        1e-3f,
        HashPreset.of("cpu").withLearningRate(1e-3f).withAnnealSteps(0).learningRateAt(999, 1000));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new HashOptions(
                HashPreset.of("tiny").withAnnealSteps(20),
                Objective.DHCQ,
                BackboneKind.CNN,
                16,
                true,
                false,
                10,
                1,
                null,
                TrainingCrops.PLAIN,
                16, // tiny's S
                null));
  }
}
