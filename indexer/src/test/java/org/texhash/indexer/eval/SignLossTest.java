package org.texhash.indexer.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.texhash.lucene.HashCode;

class SignLossTest {

  @Test
  void signsAreTheHammingRankingOfTheCodes() {
    Random random = new Random(11);
    float[][] db = gaussian(random, 60, 32);
    float[][] queries = gaussian(random, 12, 32);
    int[] dbLabels = new int[db.length];
    int[] queryLabels = new int[queries.length];
    for (int i = 0; i < db.length; i++) {
      dbLabels[i] = i % 4;
    }
    for (int i = 0; i < queries.length; i++) {
      queryLabels[i] = i % 4;
    }
    double expected = 0;
    for (int q = 0; q < queries.length; q++) {
      HashCode code = HashCode.fromSigns(queries[q]);
      int[] all = new int[33];
      int[] relevant = new int[33];
      for (int i = 0; i < db.length; i++) {
        int d = code.distance(HashCode.fromSigns(db[i]));
        all[d]++;
        relevant[d] += dbLabels[i] == queryLabels[q] ? 1 : 0;
      }
      expected += RankingMetrics.averagePrecision(all, relevant);
    }
    SignLoss.Result r = SignLoss.measure(db, dbLabels, queries, queryLabels);
    assertEquals(expected / queries.length, r.signs(), 1e-12);
    assertEquals(12, r.queries());
    assertEquals(60, r.database());
  }

  @Test
  void featuresThatAreAlreadySignsLoseNothing() {
    float[][] db = {{1, -1, 1}, {-1, -1, 1}, {1, 1, -1}, {-1, 1, 1}};
    float[][] queries = {{1, -1, -1}, {-1, 1, 1}};
    int[] dbLabels = {0, 0, 1, 1};
    int[] queryLabels = {0, 1};
    SignLoss.Result r = SignLoss.measure(db, dbLabels, queries, queryLabels);
    assertEquals(r.signs(), r.outputs(), 1e-12);
    assertEquals(r.signs(), r.asymmetric(), 1e-12);
  }

  @Test
  void theSignCanTieWhatTheFeaturesTellApart() {
    // the query leans on its first feature; both database items differ from it in one bit, the
    // relevant one only in the bit the query barely holds
    float[][] queries = {{1f, 0.01f}};
    float[][] db = {{1f, -0.01f}, {-0.01f, 1f}};
    SignLoss.Result r = SignLoss.measure(db, new int[] {0, 1}, queries, new int[] {0});
    assertEquals(0.75, r.signs(), 1e-12); // one tie group of two, one relevant: (1 + 1/2) / 2
    assertEquals(1.0, r.outputs(), 1e-12);
    assertEquals(1.0, r.asymmetric(), 1e-12);
  }

  @Test
  void equalDistancesAreOneTieGroup() {
    double ap = SignLoss.averagePrecision(new double[] {0.5, 0.5, 0.1}, new int[] {1, 2, 2}, 1);
    assertEquals(RankingMetrics.averagePrecision(new int[] {1, 2}, new int[] {0, 1}), ap, 1e-12);
  }

  @Test
  void badShapesAreRefused() {
    float[][] one = {{1, 2}};
    assertThrows(
        IllegalArgumentException.class,
        () -> SignLoss.measure(new float[0][], new int[0], one, new int[] {0}));
    assertThrows(
        IllegalArgumentException.class,
        () -> SignLoss.measure(one, new int[] {0, 1}, one, new int[] {0}));
    assertThrows(
        IllegalArgumentException.class,
        () -> SignLoss.measure(new float[][] {{1, 2}, {1, 2, 3}}, new int[2], one, new int[1]));
  }

  private static float[][] gaussian(Random random, int n, int k) {
    float[][] out = new float[n][k];
    for (float[] row : out) {
      for (int j = 0; j < k; j++) {
        row[j] = (float) random.nextGaussian();
      }
    }
    return out;
  }
}
