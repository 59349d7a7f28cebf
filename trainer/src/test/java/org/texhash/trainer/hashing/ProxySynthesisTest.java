package org.texhash.trainer.hashing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ProxySynthesisTest {
  @Test
  void everyCropIsPairedWithAnotherClassAndTheDrawsRepeatForASeed() {
    int[] labels = {0, 0, 1, 2, 2, 2, 3, 1};
    ProxySynthesis.Mix a = ProxySynthesis.draw(labels, 0.4f, new Random(7));
    ProxySynthesis.Mix b = ProxySynthesis.draw(labels, 0.4f, new Random(7));
    assertArrayEquals(a.partner(), b.partner());
    assertArrayEquals(a.weight(), b.weight());
    for (int i = 0; i < labels.length; i++) {
      assertNotEquals(labels[i], labels[a.partner()[i]], "crop " + i);
      assertTrue(a.weight()[i] >= 0 && a.weight()[i] <= 1, "weight " + a.weight()[i]);
    }
    // a batch of one class has no other class to pair with: each crop is its own partner
    ProxySynthesis.Mix alone = ProxySynthesis.draw(new int[] {4, 4, 4}, 0.4f, new Random(7));
    assertArrayEquals(new int[] {0, 1, 2}, alone.partner());
  }

  @Test
  void betaWeightsAreSymmetricAndSmallAlphaKeepsThemNearOneEnd() {
    Random rnd = new Random(11);
    int n = 20_000;
    double[] mean = new double[2];
    int[] nearAnEnd = new int[2];
    float[] alphas = {0.4f, 4f};
    for (int a = 0; a < 2; a++) {
      for (int i = 0; i < n; i++) {
        double l = ProxySynthesis.beta(alphas[a], rnd);
        mean[a] += l / n;
        nearAnEnd[a] += l < 0.1 || l > 0.9 ? 1 : 0;
      }
    }
    // standard errors of the means: 0.0027 and 0.0014
    assertEquals(0.5, mean[0], 0.03);
    assertEquals(0.5, mean[1], 0.03);
    // Beta(0.4, 0.4) puts about 48 % of its mass within 0.1 of an end, Beta(4, 4) under 1 %
    assertTrue(nearAnEnd[0] > 0.4 * n, "alpha 0.4: " + nearAnEnd[0]);
    assertTrue(nearAnEnd[1] < 0.03 * n, "alpha 4: " + nearAnEnd[1]);
  }

  @Test
  void syntheticCropsAndRowsAreTheRenormalisedMixesAndTheirOwnClasses() {
    try (NDManager m = NDManager.newBaseManager()) {
      // two crops on the axes, their classes' rows on the same axes, a third class elsewhere
      NDArray u = m.create(new float[] {1, 0, 0, 0, 1, 0}, new Shape(2, 3));
      NDArray w = m.create(new float[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, new Shape(3, 3));
      int[] labels = {0, 1};
      ProxySynthesis.Mix mix = new ProxySynthesis.Mix(new int[] {1, 0}, new float[] {0.5f, 0.5f});
      ProxySynthesis.Logits l = ProxySynthesis.logits(u, w, labels, mix);
      assertEquals(new Shape(4, 5), l.logits().getShape());
      float h = (float) Math.sqrt(0.5);
      float[] expected = {
        1, 0, 0, h, h, // crop 0: its class, then the two synthetic rows (both at 45 degrees)
        0, 1, 0, h, h, h, h, 0, 1,
        1, // synthetic crop 0 = (e1 + e2) / sqrt 2, so is synthetic crop 1
        h, h, 0, 1, 1
      };
      assertArrayEquals(expected, l.logits().toFloatArray(), 1e-5f);
      float[] truth = {
        1, 0, 0, 0, 0,
        0, 1, 0, 0, 0,
        0, 0, 0, 1, 0,
        0, 0, 0, 0, 1
      };
      assertArrayEquals(truth, l.truth().toFloatArray(), 0f);
    }
  }
}
