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

  /**
   * Why DSDH collapses on thousands of one-image classes: its B step weighs U by eta / mu, and W's
   * entries are about 1 / C, so at mu = 4 C eta (the trainer's setting) B keeps class codes
   * whatever the network outputs, while at mu = eta (Li et al.'s) B follows sign(U).
   */
  @Test
  void withTheClassTermAheadBKeepsClassCodesWhateverUSays() {
    int classes = 200;
    int perClass = 5;
    int bits = 16;
    double eta = 0.1;
    int[] labels = new int[classes * perClass];
    int[] all = new int[labels.length];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = i / perClass;
      all[i] = i;
    }
    Random rnd = new Random(3);
    float[] u = new float[labels.length * bits];
    for (int i = 0; i < u.length; i++) {
      u[i] = (float) Math.tanh(rnd.nextGaussian());
    }
    DiscreteCodes classFirst =
        new DiscreteCodes(labels, classes, bits, 4.0 * classes * eta, 1, eta, 5);
    DiscreteCodes paper = new DiscreteCodes(labels, classes, bits, eta, 1, eta, 5);
    for (DiscreteCodes c : new DiscreteCodes[] {classFirst, paper}) {
      c.remember(all, u);
      assertEquals(0.5, c.signAgreement(), 0.05); // B starts as coin flips
      for (int round = 0; round < 5; round++) {
        c.updateClassifier();
        c.updateCodes(1);
      }
    }
    assertTrue(paper.signAgreement() > 0.95, "mu = eta: " + paper.signAgreement());
    assertTrue(classFirst.signAgreement() < 0.7, "mu = 4 C eta: " + classFirst.signAgreement());
  }
}
