package org.texhash.trainer.hashing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.texhash.indexer.image.SyntheticTextures;
import org.texhash.trainer.tsn.StepLosses;
import org.texhash.trainer.tsn.TexturePairSampler;
import org.texhash.trainer.tsn.TsnModel;
import org.texhash.trainer.tsn.TsnPreset;
import org.texhash.trainer.tsn.TsnTrainer;
import org.texhash.trainer.tsn.TsnTraining;
import org.texhash.trainer.tsn.TsnTrainingOptions;

class CnnStyleNetworkTest {
  private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());
  private static final TsnPreset TINY = TsnPreset.of("tiny");

  @TempDir Path tmp;

  /** A tiny plain CNN of depth 2, so the loader must rebuild the depth too. */
  private static HashOptions cnn(int steps) {
    return HashTrainerTest.withDepth(
        HashTrainerTest.options(Objective.COSINE, BackboneKind.CNN, steps, null), 2, steps);
  }

  /** Trains (or, past 10 steps, continues) the run in {@code tmp/name} to {@code steps}. */
  private Path cnnRun(String name, int steps) throws Exception {
    Path work = tmp.resolve(name);
    new HashTraining(work, QUIET)
        .run(cnn(steps), HashTrainerTest.slots(cnn(steps)), steps > 10)
        .close();
    return work;
  }

  private static TexturePairSampler sampler(long seed) {
    List<java.awt.image.BufferedImage> regions = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      regions.add(SyntheticTextures.generate(100 + i, 48, 48));
    }
    return new TexturePairSampler(
        regions, TINY.patchSize(), TINY.batchSize(), TexturePairSampler.CropPolicy.CENTER, seed);
  }

  @Test
  void givesTheTrainedCnnsLevelMapsOnAnyImageSize() throws Exception {
    Path run = tmp.resolve("cnn");
    try (HashTrainer t =
            new HashTraining(run, QUIET).run(cnn(10), HashTrainerTest.slots(cnn(10)), false);
        CnnStyleNetwork style = CnnStyleNetwork.load(run);
        NDManager m = Engine.getEngine(TsnModel.ENGINE).newBaseManager()) {
      assertEquals("cnn:cnn@10", style.id());
      // G's expansions are 2S x 2S: twice the size the CNN trained on
      NDArray x = m.randomUniform(-1f, 1f, new Shape(2, 3, 32, 32));
      PlainCnn trained = (PlainCnn) t.network().getChildren().valueAt(0);
      List<NDArray> expected = trained.taps(new ParameterStore(m, false), x, false);
      List<NDArray> got = style.features(x);
      assertEquals(expected.size(), got.size());
      for (int i = 0; i < got.size(); i++) {
        assertEquals(expected.get(i).getShape(), got.get(i).getShape());
        assertArrayEquals(expected.get(i).toFloatArray(), got.get(i).toFloatArray(), 1e-5f);
      }
    }
  }

  @Test
  void trainsGAndRefusesToResumeWithAnotherNetwork() throws Exception {
    Path run = cnnRun("cnn", 10);
    TsnTrainingOptions o =
        TsnTrainingOptions.defaults(TINY)
            .withStyle(run.toString())
            .withSteps(4)
            .withWeights(100f, 1e-3f, 1f);
    TexturePairSampler sampler = sampler(2);
    TexturePairSampler.Batch preview = sampler(3).batch(0);
    Path g = tmp.resolve("g");
    try (TsnTrainer t =
        new TsnTraining(g, QUIET, CnnStyleNetwork::open).run(o, sampler, preview, false)) {
      assertEquals("cnn:cnn@10", t.style().id());
      StepLosses l = t.trainStep(sampler.batch(4));
      assertTrue(l.finite() && l.style() > 0, l.toString());
    }
    // the CNN's run goes on, so the same path now names another network
    cnnRun("cnn", 20);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new TsnTraining(g, QUIET, CnnStyleNetwork::open)
                    .run(o.withSteps(8), sampler, preview, true)
                    .close());
    assertTrue(e.getMessage().contains("cnn:cnn@10"), e.getMessage());
    // without the opener a folder is not a style network
    assertThrows(
        IllegalArgumentException.class,
        () -> new TsnTraining(tmp.resolve("g2"), QUIET).run(o, sampler, preview, false).close());
  }

  @Test
  void refusesARunThatIsNotAPlainCnn() throws Exception {
    HashOptions o =
        HashTrainerTest.options(
            Objective.DSDH, BackboneKind.TSN, 2, HashTrainerTest.tinyTsn(tmp.resolve("tsn")));
    Path work = tmp.resolve("tsn-run");
    new HashTraining(work, QUIET).run(o, HashTrainerTest.slots(o), false).close();
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> CnnStyleNetwork.load(work));
    assertTrue(e.getMessage().contains("only a plain CNN"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> CnnStyleNetwork.open(tmp.resolve("none")));
  }
}
