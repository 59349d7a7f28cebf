package org.texhash.trainer.hashing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.texhash.indexer.dataset.LabeledImage;
import org.texhash.indexer.image.SyntheticTextures;
import org.texhash.trainer.nn.Chw;

/** The recoloured classes of {@code TrainingSlots}: names, labels and the pixels of each. */
class TrainingSlotsTest {
  private static final int S = 16;

  /** Three classes of one S x S region each, so every crop of a class is its whole region. */
  private static List<LabeledImage> wholeRegions() {
    List<LabeledImage> out = new ArrayList<>();
    for (int c = 0; c < 3; c++) {
      out.add(new LabeledImage(c, "class" + c, SyntheticTextures.generate(7 * c + 2, S, S)));
    }
    return out;
  }

  @Test
  void eachClassAlsoStandsForItsRegionsWithTheChannelsReordered() {
    List<LabeledImage> regions = wholeRegions();
    TrainingSlots slots = new TrainingSlots(regions, S, 2, 0, 8, 3, 6, 0f);
    assertEquals(18, slots.classes());
    assertEquals(36, slots.size());
    assertEquals(
        List.of("class0", "class0~gbr", "class0~brg", "class0~rbg", "class0~bgr", "class0~grb"),
        slots.classNames().subList(0, 6));
    int[][] orders = {{0, 1, 2}, {1, 2, 0}, {2, 0, 1}, {0, 2, 1}, {2, 1, 0}, {1, 0, 2}};
    int plane = S * S;
    for (long step = 0; step < slots.stepsPerEpoch(); step++) {
      TrainingSlots.Batch b = slots.batch(step);
      for (int i = 0; i < b.size(); i++) {
        int label = b.labels()[i];
        float[] rgb = Chw.of(regions.get(label / 6).image()).data();
        float[] got = Arrays.copyOfRange(b.inputs(), i * 3 * plane, (i + 1) * 3 * plane);
        for (int c = 0; c < 3; c++) {
          int from = orders[label % 6][c];
          assertArrayEquals(
              Arrays.copyOfRange(rgb, from * plane, (from + 1) * plane),
              Arrays.copyOfRange(got, c * plane, (c + 1) * plane),
              "label " + label + ", channel " + c);
        }
      }
    }
  }

  @Test
  void oneOrderIsThePlainSlotsAndOrdersOutsideOneToSixAreRefused() {
    List<LabeledImage> regions = HashTrainerTest.regions();
    TrainingSlots plain = new TrainingSlots(regions, S, 3, 0, 4, 5);
    TrainingSlots one = new TrainingSlots(regions, S, 3, 0, 4, 5, 1, 0f);
    assertEquals(plain.classNames(), one.classNames());
    for (long step = 0; step < 5; step++) {
      assertArrayEquals(plain.batch(step).inputs(), one.batch(step).inputs());
    }
    assertThrows(
        IllegalArgumentException.class, () -> new TrainingSlots(regions, S, 3, 0, 4, 5, 0, 0f));
    assertThrows(
        IllegalArgumentException.class, () -> new TrainingSlots(regions, S, 3, 0, 4, 5, 7, 0f));
  }

  @Test
  void aBalancedSourceGetsItsClassesMoreSlotsAndEveryStepStaysRepeatable() {
    // source "a" has 4 classes, source "b" one
    List<LabeledImage> regions = new ArrayList<>();
    for (int c = 0; c < 5; c++) {
      String name = (c < 4 ? "a/x" : "b/y") + c;
      regions.add(new LabeledImage(c, name, SyntheticTextures.generate(3 * c + 1, S, S)));
    }
    float[] balances = {0f, 0.5f, 1f};
    int[] slotsOfB = {3, 6, 12}; // 3 real slots x (4 / 1)^T
    for (int k = 0; k < balances.length; k++) {
      TrainingSlots slots = new TrainingSlots(regions, S, 3, 0, 4, 5, 1, balances[k]);
      assertEquals(5, slots.classes());
      assertEquals(4 * 3 + slotsOfB[k], slots.size());
      int[] seen = new int[5];
      for (long step = 0; step < slots.stepsPerEpoch(); step++) {
        TrainingSlots.Batch b = slots.batch(step);
        assertArrayEquals(b.inputs(), slots.batch(step).inputs(), "step " + step);
        for (int slot : b.slots()) {
          seen[slots.labels()[slot]]++;
        }
      }
      // an epoch visits every slot once (the last batch wraps around to the first slots)
      assertEquals(slotsOfB[k], seen[4], 1.0 * (slots.stepsPerEpoch() * 4 - slots.size()));
      // the label-free pairs read each class's first slot
      TrainingSlots.Batch pairs = slots.pairs(0, new ViewAugmentation(S));
      for (int i = 0; i < pairs.size(); i++) {
        assertEquals(pairs.labels()[i], slots.labels()[pairs.slots()[i]]);
      }
    }
    TrainingSlots plain = new TrainingSlots(regions, S, 3, 0, 4, 5);
    TrainingSlots none = new TrainingSlots(regions, S, 3, 0, 4, 5, 1, 0f);
    assertArrayEquals(plain.labels(), none.labels());
    assertArrayEquals(plain.batch(2).inputs(), none.batch(2).inputs());
    assertEquals("a", TrainingSlots.source("a/x0~gbr"));
    assertEquals("", TrainingSlots.source("class0"));
    assertThrows(
        IllegalArgumentException.class, () -> new TrainingSlots(regions, S, 3, 0, 4, 5, 1, -0.5f));
    assertThrows(
        IllegalArgumentException.class, () -> new TrainingSlots(regions, S, 3, 0, 4, 5, 1, 1.5f));
  }
}
