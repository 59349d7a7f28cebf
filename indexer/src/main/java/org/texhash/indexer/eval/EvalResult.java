package org.texhash.indexer.eval;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.texhash.indexer.dataset.QueryTransform;

/**
 * The metrics of one encoder under one protocol (means over queries). See {@link RankingMetrics}
 * for the definitions and {@link Evaluator} for how times are taken.
 *
 * @param classes evaluated classes (those with queries)
 * @param precisionAtTop expected precision among the top T, by T
 * @param precisionByRadius mean precision within Hamming radius r, index r = 0..bits
 * @param recallByRadius mean recall within Hamming radius r, index r = 0..bits
 * @param searchMsPerQuery a top-{@code searchK} {@code HammingKnnQuery} (search only)
 * @param totalMsPerQuery encoding the query patch plus that search
 * @param rankingMsPerQuery the full-ranking search (k = database size) the metrics come from
 * @param fitSeconds time to fit the encoder on the training patches (0 for fixed encoders)
 * @param queryTransform what was done to the query patches ({@link QueryTransform}; "identity": nothing)
 */
public record EvalResult(
    String encoder,
    int bits,
    String protocol,
    int classes,
    int queries,
    int database,
    double map,
    double mapPessimistic,
    double mapOptimistic,
    Map<Integer, Double> precisionAtTop,
    double radius2Precision,
    double radius2Recall,
    double[] precisionByRadius,
    double[] recallByRadius,
    int searchK,
    double searchMsPerQuery,
    double totalMsPerQuery,
    double rankingMsPerQuery,
    double encodeMsPerQuery,
    double fitSeconds,
    long seed,
    int patchSize,
    String queryTransform) {

  public EvalResult {
    precisionAtTop = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(precisionAtTop));
  }

  /** A result with untouched queries. */
  public EvalResult(String encoder, int bits, String protocol, int classes, int queries, int database, double map,
      double mapPessimistic, double mapOptimistic, Map<Integer, Double> precisionAtTop, double radius2Precision,
      double radius2Recall, double[] precisionByRadius, double[] recallByRadius, int searchK, double searchMsPerQuery,
      double totalMsPerQuery, double rankingMsPerQuery, double encodeMsPerQuery, double fitSeconds, long seed, int patchSize) {
    this(encoder, bits, protocol, classes, queries, database, map, mapPessimistic, mapOptimistic, precisionAtTop,
        radius2Precision, radius2Recall, precisionByRadius, recallByRadius, searchK, searchMsPerQuery, totalMsPerQuery,
        rankingMsPerQuery, encodeMsPerQuery, fitSeconds, seed, patchSize, QueryTransform.IDENTITY.toString());
  }

  /** The one-object JSON form {@code texhash eval --json} prints. */
  public String toJson() {
    StringBuilder top = new StringBuilder("{");
    for (Map.Entry<Integer, Double> e : precisionAtTop.entrySet()) {
      if (top.length() > 1) {
        top.append(", ");
      }
      top.append('"').append(e.getKey()).append("\": ").append(num(e.getValue()));
    }
    top.append('}');
    return String.format(Locale.ROOT,
        "{\"encoder\": %s, \"bits\": %d, \"protocol\": %s, \"classes\": %d, \"queries\": %d, \"database\": %d, "
            + "\"map\": %s, \"map_pessimistic\": %s, \"map_optimistic\": %s, \"precision_at_top\": %s, "
            + "\"radius2_precision\": %s, \"radius2_recall\": %s, \"search_ms_per_query\": %s, \"total_ms_per_query\": %s, "
            + "\"search_k\": %d, \"ranking_ms_per_query\": %s, \"encode_ms_per_query\": %s, \"fit_seconds\": %s, "
            + "\"seed\": %d, \"patch_size\": %d, \"query_transform\": %s}",
        quote(encoder), bits, quote(protocol), classes, queries, database,
        num(map), num(mapPessimistic), num(mapOptimistic), top,
        num(radius2Precision), num(radius2Recall), num(searchMsPerQuery), num(totalMsPerQuery),
        searchK, num(rankingMsPerQuery), num(encodeMsPerQuery), num(fitSeconds), seed, patchSize, quote(queryTransform));
  }

  private static String num(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return "null";
    }
    return new java.math.BigDecimal(String.format(Locale.ROOT, "%.6f", v)).stripTrailingZeros().toPlainString();
  }

  static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
