package org.texhash.trainer.hashing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.texhash.indexer.image.SyntheticTextures;
import org.texhash.trainer.nn.Chw;
import org.texhash.trainer.tsn.TsnModel;

/** The label-free objective's batches, views and loss. */
class ContrastivePairsTest {

  @Test
  void pairBatchesHoldTwoViewsOfDistinctClassesAndRepeatForAStep() {
    TrainingSlots slots = new TrainingSlots(HashTrainerTest.regions(), 16, 3, 0, 3, 7);
    ViewAugmentation views = new ViewAugmentation(16);
    Set<Integer> seenInEpoch = new HashSet<>();
    for (long step = 0; step < slots.pairStepsPerEpoch(); step++) {
      TrainingSlots.Batch b = slots.pairs(step, views);
      int n = b.size() / 2;
      assertEquals(3, n);
      Set<Integer> inBatch = new HashSet<>();
      for (int i = 0; i < n; i++) {
        assertEquals(b.labels()[i], b.labels()[i + n], "row " + i + " and its partner");
        assertTrue(inBatch.add(b.labels()[i]), "class " + b.labels()[i] + " twice in one batch");
        if (step * 3 + i < slots.classes()) {
          seenInEpoch.add(b.labels()[i]);
        }
      }
      assertArrayEquals(
          b.inputs(),
          slots.pairs(step, views).inputs(),
          "step " + step + " is a function of (seed, step)");
    }
    assertEquals(slots.classes(), seenInEpoch.size(), "an epoch visits every class");
  }

  @Test
  void viewsKeepTheSizeAndValueRangeAndDependOnlyOnTheirRandom() {
    BufferedImage region = SyntheticTextures.generate(3, 96, 96);
    ViewAugmentation views = new ViewAugmentation(32);
    Chw plain = Chw.of(region).crop(0, 0, 32, 32);
    int differ = 0;
    for (int seed = 0; seed < 40; seed++) {
      Chw v = views.view(region, new Random(seed));
      assertEquals(32, v.height());
      assertEquals(32, v.width());
      for (float f : v.data()) {
        assertTrue(f >= -1f && f <= 1f, "value " + f);
      }
      assertArrayEquals(v.data(), views.view(region, new Random(seed)).data());
      differ += Arrays.equals(v.data(), plain.data()) ? 0 : 1;
    }
    assertEquals(40, differ);
    // a region too small for 0.5x or a rotation still gives views (plain crops)
    assertEquals(32, views.view(SyntheticTextures.generate(4, 40, 40), new Random(1)).width());
  }

  @Test
  void contrastiveLossIsLowWhenPartnersAgreeAndChanceWhenAllCodesAreEqual() {
    try (NDManager m = NDManager.newBaseManager(TsnModel.ENGINE)) {
      int n = 4;
      int k = 8;
      float[] agree = new float[2 * n * k];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < k; j++) {
          float bit = j / 2 == i ? 1f : -1f; // rows of different textures are orthogonal
          agree[i * k + j] = bit;
          agree[(i + n) * k + j] = bit;
        }
      }
      float[] equal = new float[2 * n * k];
      Arrays.fill(equal, 1f);
      float low = contrastive(m, agree, n, k);
      float chance = contrastive(m, equal, n, k);
      assertEquals(Math.log(2 * n - 1), chance, 1e-4);
      assertTrue(low < 0.5 * chance, low + " vs chance " + chance);
      assertThrows(IllegalArgumentException.class, () -> contrastive(m, new float[3 * k], 1, k));
      assertFalse(Objective.DHCQ.labelFree());
      assertTrue(Objective.CONTRASTIVE.labelFree());
    }
  }

  private static float contrastive(NDManager m, float[] u, int n, int k) {
    int rows = u.length / k;
    NDArray codes = m.create(u, new Shape(rows, k));
    DiscreteCodes none = new DiscreteCodes(new int[rows], 2, k, 1, 1, 0.1, 1);
    int[] slots = new int[rows];
    return Objective.CONTRASTIVE.loss(codes, codes, slots, none).main().getFloat();
  }
}
