package org.texhash.trainer.hashing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class DiscreteCodesTest {

  private static DiscreteCodes codes(long seed) {
    int n = 60;
    int classes = 4;
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = i % classes;
    }
    DiscreteCodes c = new DiscreteCodes(labels, classes, 16, 1, 1, 0.5, seed);
    Random rnd = new Random(seed);
    float[] u = new float[n * 16];
    for (int i = 0; i < u.length; i++) {
      u[i] = (float) rnd.nextGaussian();
    }
    int[] all = new int[n];
    for (int i = 0; i < n; i++) {
      all[i] = i;
    }
    c.remember(all, u);
    return c;
  }

  @Test
  void theDiscreteBStepLowersTheObjective() {
    for (long seed = 1; seed <= 5; seed++) {
      DiscreteCodes c = codes(seed);
      c.updateClassifier();
      double before = c.objective();
      c.updateCodes(1);
      double after = c.objective();
      assertTrue(after < before, "seed " + seed + ": " + before + " -> " + after);
      c.updateCodes(1); // a second pass never raises it
      assertTrue(c.objective() <= after + 1e-9);
    }
  }

  @Test
  void theRidgeWStepLowersTheObjectiveAndAlternationConverges() {
    DiscreteCodes c = codes(7);
    double previous = c.objective(); // W = 0
    for (int round = 0; round < 5; round++) {
      c.updateClassifier();
      double afterW = c.objective();
      assertTrue(afterW <= previous + 1e-9, "W step raised " + previous + " -> " + afterW);
      c.updateCodes(1);
      previous = c.objective();
      assertTrue(previous <= afterW + 1e-9);
    }
    for (float b : c.codes()) {
      assertEquals(1f, Math.abs(b));
    }
  }
}
