package org.texhash.indexer.eval;

import java.util.Arrays;

/**
 * What taking the sign costs an encoder: the MAP of one set of pre-sign features ranked three ways,
 * by brute force over every database item (a diagnostic beside {@link Evaluator}, not the search
 * path).
 *
 * <ul>
 *   <li>{@code signs}: Hamming distance between the codes, what the index ranks by; equal to {@code
 *       texhash eval}'s MAP for the same features.
 *   <li>{@code outputs}: cosine between the features themselves, no sign taken on either side: what
 *       the features know, the ceiling of any binarisation.
 *   <li>{@code asymmetric}: the query's features against the database's signs, {@code q . sign(d)}.
 *       Since {@code q . sign(d) = sum |q_j| - 2 sum over differing bits |q_j|}, this is the
 *       Hamming distance with each bit weighted by the query's confidence {@code |q_j|}: what a
 *       search that keeps the K-bit codes in the index and weights the query's bits could rank.
 * </ul>
 *
 * All three are tie-aware ({@link RankingMetrics#averagePrecision}): items at an equal distance
 * form one group, in any ranking.
 */
public final class SignLoss {
  private SignLoss() {}

  /** The three MAPs over {@code queries} queries and {@code database} items. */
  public record Result(
      double signs, double outputs, double asymmetric, int queries, int database) {}

  /**
   * @param database pre-sign features of the database items, one row each, all of one length K
   * @param databaseLabels each database item's class
   * @param queries pre-sign features of the queries
   * @param queryLabels each query's class; an item is relevant to a query of its class
   */
  public static Result measure(
      float[][] database, int[] databaseLabels, float[][] queries, int[] queryLabels) {
    if (database.length == 0 || queries.length == 0) {
      throw new IllegalArgumentException("need at least one database item and one query");
    }
    if (database.length != databaseLabels.length || queries.length != queryLabels.length) {
      throw new IllegalArgumentException("one label per database item and per query is needed");
    }
    int k = database[0].length;
    float[][] unitDatabase = unitRows(database, k);
    float[][] unitQueries = unitRows(queries, k);
    double signs = 0;
    double outputs = 0;
    double asymmetric = 0;
    double[] hamming = new double[database.length];
    double[] cosine = new double[database.length];
    double[] weighted = new double[database.length];
    for (int qi = 0; qi < queries.length; qi++) {
      float[] q = queries[qi];
      float[] qUnit = unitQueries[qi];
      for (int i = 0; i < database.length; i++) {
        float[] d = database[i];
        float[] dUnit = unitDatabase[i];
        int differing = 0;
        double dot = 0;
        double weight = 0;
        for (int j = 0; j < k; j++) {
          boolean differs = (q[j] > 0) != (d[j] > 0); // bit j is 1 when the feature is > 0
          if (differs) {
            differing++;
            weight += Math.abs(qUnit[j]);
          }
          dot += (double) qUnit[j] * dUnit[j];
        }
        hamming[i] = differing;
        cosine[i] = 1 - dot;
        weighted[i] = weight;
      }
      signs += averagePrecision(hamming, databaseLabels, queryLabels[qi]);
      outputs += averagePrecision(cosine, databaseLabels, queryLabels[qi]);
      asymmetric += averagePrecision(weighted, databaseLabels, queryLabels[qi]);
    }
    int n = queries.length;
    return new Result(signs / n, outputs / n, asymmetric / n, n, database.length);
  }

  /**
   * Tie-aware AP of one ranking by ascending {@code distances}: the distinct distances become the
   * groups of {@link RankingMetrics#averagePrecision}.
   */
  static double averagePrecision(double[] distances, int[] labels, int label) {
    double[] all = distances.clone();
    int relevantCount = 0;
    for (int l : labels) {
      relevantCount += l == label ? 1 : 0;
    }
    double[] relevant = new double[relevantCount];
    for (int i = 0, r = 0; i < labels.length; i++) {
      if (labels[i] == label) {
        relevant[r++] = distances[i];
      }
    }
    Arrays.sort(all);
    Arrays.sort(relevant);
    int[] groupAll = new int[all.length];
    int[] groupRelevant = new int[all.length];
    int groups = 0;
    for (int i = 0, r = 0; i < all.length; groups++) {
      double value = all[i];
      while (i < all.length && all[i] == value) {
        groupAll[groups]++;
        i++;
      }
      while (r < relevant.length && relevant[r] == value) {
        groupRelevant[groups]++;
        r++;
      }
    }
    return RankingMetrics.averagePrecision(
        Arrays.copyOf(groupAll, groups), Arrays.copyOf(groupRelevant, groups));
  }

  private static float[][] unitRows(float[][] rows, int k) {
    float[][] out = new float[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      if (rows[i].length != k) {
        throw new IllegalArgumentException(
            "every feature row must have " + k + " values, row " + i + " has " + rows[i].length);
      }
      double norm = 0;
      for (float v : rows[i]) {
        norm += (double) v * v;
      }
      double scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
      out[i] = new float[k];
      for (int j = 0; j < k; j++) {
        out[i][j] = (float) (rows[i][j] * scale);
      }
    }
    return out;
  }
}
