package org.texhash.trainer.tsn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.texhash.trainer.nn.Chw;

class TsnTrainerTest {
  private static final TsnPreset TINY = TsnPreset.of("tiny");

  /** Without the input skip G starts from nothing, so its L1 must visibly fall. */
  @Test
  void tinyRunLowersL1() throws Exception {
    TsnPreset noSkip = TINY.withInputSkip(InputSkip.NONE);
    TexturePairSampler sampler = TinyData.sampler(noSkip, 5);
    TexturePairSampler.Batch heldOut = TinyData.sampler(noSkip, 77).batch(0);
    try (TsnTrainer t = TsnTrainer.create(TsnTrainingOptions.defaults(noSkip).withSteps(60))) {
      double before = l1(t.model(), heldOut);
      for (int i = 0; i < 60; i++) {
        StepLosses l = t.trainStep(sampler.batch(i));
        assertTrue(l.finite(), "step " + i + ": " + l);
      }
      assertEquals(60, t.step());
      double after = l1(t.model(), heldOut);
      assertTrue(
          after < 0.93 * before,
          "L1 on a fixed batch should fall: before " + before + ", after 60 steps " + after);
    }
  }

  /**
   * L1 of G's expansions of a fixed batch against its targets, with batch statistics (training
   * mode: after a few dozen steps the running statistics of batch norm still lag behind).
   */
  private static double l1(TsnModel m, TexturePairSampler.Batch b) {
    try (ai.djl.ndarray.NDManager scope = m.manager().newSubManager()) {
      ai.djl.ndarray.NDArray out =
          m.generator()
              .forward(m.store(), new ai.djl.ndarray.NDList(b.inputs(scope)), true)
              .singletonOrThrow();
      return out.sub(b.targets(scope)).abs().mean().getFloat();
    }
  }

  /** The Table 2 ablations: G's loss is exactly the terms the run weights, the others at 0. */
  @Test
  void gLossIsTheWeightedSumOfTheRunsTerms() throws Exception {
    TexturePairSampler sampler = TinyData.sampler(TINY, 4);
    float[][] weights = {{0f, 0f, 1f}, {0f, 1f, 1f}, {100f, 1f, 0f}, {100f, 1f, 1f}};
    for (float[] w : weights) {
      TsnTrainingOptions o = TsnTrainingOptions.defaults(TINY).withWeights(w[0], w[1], w[2]);
      try (TsnTrainer t = TsnTrainer.create(o)) {
        for (int i = 0; i < 2; i++) {
          StepLosses l = t.trainStep(sampler.batch(i));
          double expected = w[0] * l.l1() + w[1] * l.style() + w[2] * l.adversarial();
          assertEquals(expected, l.generatorTotal(), 1e-4 * Math.max(1, expected), "weights " + o);
        }
      }
    }
    assertThrows(
        IllegalArgumentException.class,
        () -> TsnTrainingOptions.defaults(TINY).withWeights(0f, 0f, 0f));
  }

  /** The profiler's clock hears every part once, in order, and does not change the step. */
  @Test
  void clockHearsEveryPartOfAStepInOrder() throws Exception {
    TexturePairSampler sampler = TinyData.sampler(TINY, 4);
    List<String> heard = new ArrayList<>();
    try (TsnTrainer clocked = TsnTrainer.create(TsnTrainingOptions.defaults(TINY));
        TsnTrainer plain = TsnTrainer.create(TsnTrainingOptions.defaults(TINY))) {
      for (int i = 0; i < 2; i++) {
        heard.clear();
        StepLosses l = clocked.trainStep(sampler.batch(i), heard::add);
        assertEquals(TsnTrainer.PARTS, heard, "step " + i);
        assertEquals(plain.trainStep(sampler.batch(i)), l, "step " + i);
      }
    }
  }

  @Test
  void resumedRunRepeatsTheNextStepsExactly(@TempDir Path dir) throws Exception {
    TexturePairSampler sampler = TinyData.sampler(TINY, 9);
    TsnTrainingOptions options = TsnTrainingOptions.defaults(TINY).withSteps(10).withSeed(4);
    StepLosses next;
    StepLosses afterNext;
    Map<String, float[]> finalG;
    try (TsnTrainer t = TsnTrainer.create(options)) {
      for (int i = 0; i < 3; i++) {
        t.trainStep(sampler.batch(t.step()));
      }
      t.saveCheckpoint(dir);
      next = t.trainStep(sampler.batch(t.step()));
      afterNext = t.trainStep(sampler.batch(t.step()));
      finalG = snapshot(t.model().generator());
    }
    try (TsnTrainer r = TsnTrainer.restore(dir, options.withSteps(20))) {
      assertEquals(3, r.step());
      assertEquals(next, r.trainStep(sampler.batch(r.step())), "same losses on the same batch");
      // equal again one step later: the Adam moments were restored too
      assertEquals(afterNext, r.trainStep(sampler.batch(r.step())));
      Map<String, float[]> g = snapshot(r.model().generator());
      for (String k : finalG.keySet()) {
        assertArrayEquals(finalG.get(k), g.get(k), 1e-6f, k);
      }
    }
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> TsnTrainer.restore(dir, options.withSeed(5)));
    assertTrue(e.getMessage().contains("seed"), e.getMessage());
  }

  /** A spectrally normalised D trains, changes training, resumes exactly, and is recorded. */
  @Test
  void spectralDiscriminatorTrainsResumesExactlyAndIsRecorded(@TempDir Path dir) throws Exception {
    TexturePairSampler sampler = TinyData.sampler(TINY, 9);
    TsnTrainingOptions plain = TsnTrainingOptions.defaults(TINY).withSteps(10).withSeed(4);
    TsnTrainingOptions options = plain.withSpectralNorm(true);
    StepLosses next;
    try (TsnTrainer t = TsnTrainer.create(options);
        TsnTrainer p = TsnTrainer.create(plain)) {
      Map<String, float[]> d0 = snapshot(t.model().discriminator());
      for (int i = 0; i < 3; i++) {
        StepLosses l = t.trainStep(sampler.batch(t.step()));
        assertTrue(l.finite(), "step " + i + ": " + l);
        // the same parameters, used another way: D's scores differ from the first step on
        assertFalse(l.equals(p.trainStep(sampler.batch(p.step()))), "step " + i);
      }
      assertAllChangedAndFinite("spectral D", d0, snapshot(t.model().discriminator()));
      t.saveCheckpoint(dir);
      next = t.trainStep(sampler.batch(t.step()));
    }
    try (TsnTrainer r = TsnTrainer.restore(dir, options.withSteps(20))) {
      assertEquals(next, r.trainStep(sampler.batch(r.step())), "same losses on the same batch");
    }
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TsnTrainer.restore(dir, plain));
    assertTrue(e.getMessage().contains("spectral"), e.getMessage());
  }

  /**
   * Two steps: G's correction head starts at zero, so the rest of G gets gradients from the second
   * step on.
   */
  @Test
  void everyParameterOfGAndDLearns() throws Exception {
    for (String style :
        List.of(TsnTrainingOptions.STYLE_RANDOM, TsnTrainingOptions.STYLE_DISCRIMINATOR)) {
      try (TsnTrainer t = TsnTrainer.create(TsnTrainingOptions.defaults(TINY).withStyle(style))) {
        Map<String, float[]> g0 = snapshot(t.model().generator());
        Map<String, float[]> d0 = snapshot(t.model().discriminator());
        for (int i = 0; i < 2; i++) {
          StepLosses l = t.trainStep(TinyData.sampler(TINY, 1).batch(i));
          assertTrue(l.finite(), style + ": " + l);
        }
        assertAllChangedAndFinite(style + " G", g0, snapshot(t.model().generator()));
        assertAllChangedAndFinite(style + " D", d0, snapshot(t.model().discriminator()));
      }
    }
  }

  private static void assertAllChangedAndFinite(
      String what, Map<String, float[]> before, Map<String, float[]> after) {
    assertFalse(before.isEmpty());
    for (var e : before.entrySet()) {
      float[] b = e.getValue();
      float[] a = after.get(e.getKey());
      boolean changed = false;
      for (int i = 0; i < a.length; i++) {
        assertTrue(Float.isFinite(a[i]), what + " " + e.getKey() + " has a non-finite value");
        changed |= a[i] != b[i];
      }
      assertTrue(
          changed, what + " parameter " + e.getKey() + " did not move: no gradient reached it");
    }
  }

  static Map<String, float[]> snapshot(Block block) {
    Map<String, float[]> m = new LinkedHashMap<>();
    for (Pair<String, Parameter> p : block.getParameters()) {
      m.put(p.getKey(), p.getValue().getArray().toFloatArray());
    }
    return m;
  }

  @Test
  void trainingFolderResumesAfterAStop(@TempDir Path out) throws Exception {
    TexturePairSampler sampler = TinyData.sampler(TINY, 2);
    TexturePairSampler.Batch preview = TinyData.sampler(TINY, 3).batch(0);
    TsnTrainingOptions o = TsnTrainingOptions.defaults(TINY).withSteps(20);
    java.io.PrintStream quiet = new java.io.PrintStream(java.io.OutputStream.nullOutputStream());
    try (TsnTrainer t = new TsnTraining(out, quiet).run(o, sampler, preview, false)) {
      assertEquals(20, t.step());
    }
    assertTrue(Files.isRegularFile(out.resolve("losses.png")));
    assertTrue(Files.isRegularFile(out.resolve("samples").resolve("step-00000020.png")));
    assertTrue(Files.isRegularFile(out.resolve(TsnModel.GENERATOR_FILE)));
    assertEquals(
        out.resolve("checkpoints").resolve("step-00000020"), TsnTraining.latestCheckpoint(out));
    // a checkpoint of another loss is not continued as if it were this one's
    TsnTrainingOptions otherLoss = o.withSteps(30).withWeights(0f, 1f, 1f);
    IllegalArgumentException refused =
        assertThrows(
            IllegalArgumentException.class,
            () -> new TsnTraining(out, quiet).run(otherLoss, sampler, preview, true).close());
    assertTrue(refused.getMessage().contains("L1 weight"), refused.getMessage());
    try (TsnTrainer t = new TsnTraining(out, quiet).run(o.withSteps(30), sampler, preview, true)) {
      assertEquals(30, t.step());
    }
    List<LossLog.Row> rows = LossLog.open(out.resolve("losses.csv"), 30).rows();
    assertEquals(30, rows.size());
    for (int i = 0; i < 30; i++) {
      assertEquals(i + 1, rows.get(i).step());
    }
    try (TsnModel g = TsnModel.loadGenerator(out)) {
      assertEquals(TINY, g.preset());
      Chw x = Chw.of(org.texhash.indexer.image.SyntheticTextures.generate(1, 16, 16));
      assertEquals(32, g.expand(x).height());
    }
  }
}
