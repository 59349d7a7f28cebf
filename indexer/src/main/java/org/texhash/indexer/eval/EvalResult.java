package org.texhash.indexer.eval;

import com.google.gson.FormattingStyle;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
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
 * @param queryTransform what was done to the query patches ({@link QueryTransform}; "identity":
 *     nothing)
 * @param unit what the database and query items were: "patch" or "region" ({@link
 *     org.texhash.indexer.dataset.Manifest.Unit})
 * @param distance what the ranking metrics rank by: "hamming" or "weighted" ({@link
 *     org.texhash.indexer.search.QueryDistance}); the radius metrics are always of Hamming balls
 * @param byClass each evaluated class's mean AP over its queries, in the order of the queries
 *     (where the MAP is lost; not in the JSON, which stays one small object per result: {@code eval
 *     --report} writes it as {@code per-class.tsv})
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
    String queryTransform,
    String unit,
    String distance,
    List<ClassAp> byClass) {

  /** A class's share of a result: its queries and their mean average precision. */
  public record ClassAp(String className, int queries, double ap) {}

  private static final Gson ROW =
      new GsonBuilder()
          .setFormattingStyle(FormattingStyle.COMPACT.withSpaceAfterSeparators(true))
          .disableHtmlEscaping()
          .serializeNulls()
          .create();

  public EvalResult {
    precisionAtTop = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(precisionAtTop));
    byClass = List.copyOf(byClass);
  }

  /** One line of {@code results.jsonl}: {@link #toJsonObject()}, with a space after separators. */
  public String toJson() {
    return ROW.toJson(toJsonObject());
  }

  /**
   * The fields {@code texhash eval --json} prints, in snake case; numbers rounded to 6 decimals,
   * and null where a metric is undefined (NaN).
   */
  public JsonObject toJsonObject() {
    JsonObject top = new JsonObject();
    precisionAtTop.forEach((t, p) -> top.add(Integer.toString(t), num(p)));
    JsonObject o = new JsonObject();
    o.addProperty("encoder", encoder);
    o.addProperty("bits", bits);
    o.addProperty("protocol", protocol);
    o.addProperty("classes", classes);
    o.addProperty("queries", queries);
    o.addProperty("database", database);
    o.add("map", num(map));
    o.add("map_pessimistic", num(mapPessimistic));
    o.add("map_optimistic", num(mapOptimistic));
    o.add("precision_at_top", top);
    o.add("radius2_precision", num(radius2Precision));
    o.add("radius2_recall", num(radius2Recall));
    o.add("search_ms_per_query", num(searchMsPerQuery));
    o.add("total_ms_per_query", num(totalMsPerQuery));
    o.addProperty("search_k", searchK);
    o.add("ranking_ms_per_query", num(rankingMsPerQuery));
    o.add("encode_ms_per_query", num(encodeMsPerQuery));
    o.add("fit_seconds", num(fitSeconds));
    o.addProperty("seed", seed);
    o.addProperty("patch_size", patchSize);
    o.addProperty("query_transform", queryTransform);
    o.addProperty("unit", unit);
    o.addProperty("distance", distance);
    return o;
  }

  private static JsonElement num(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return JsonNull.INSTANCE;
    }
    BigDecimal rounded = new BigDecimal(String.format(Locale.ROOT, "%.6f", v)).stripTrailingZeros();
    return new JsonPrimitive(
        rounded.scale() < 0 ? rounded.setScale(0) : rounded); // 1200, not 1.2E+3
  }
}
