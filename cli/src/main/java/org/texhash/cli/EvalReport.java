package org.texhash.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.texhash.indexer.dataset.Manifest;
import org.texhash.indexer.eval.EvalResult;

/**
 * The {@code --report DIR} of {@code texhash eval}: {@code report.md} (tables, command, data,
 * machine) and three PNG plots drawn with JFreeChart: precision at top-T, precision versus bits,
 * and the precision-recall curve over Hamming radius 0..K (radius 2 is the table's point); {@code
 * results.jsonl}, the {@code --json} object of each encoder on its own line; and {@code
 * per-class.tsv}, each class's mean AP under each result (where the MAP is lost).
 */
final class EvalReport {
  static final String PRECISION_AT_TOP = "precision_at_top.png";
  static final String PRECISION_VS_BITS = "precision_vs_bits.png";
  static final String PR_RADIUS = "pr_radius.png";
  static final String PER_CLASS = "per-class.tsv";
  private static final int WIDTH = 640;
  private static final int HEIGHT = 420;

  /** Distinct, print-safe colours (no yellow on white). */
  private static final Color[] PALETTE = {
    new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd),
    new Color(0xff7f0e), new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf),
    new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x393b79), new Color(0x637939),
  };

  private EvalReport() {}

  /** Writes the report; {@code context} lines (command, data, machine) go at the top. */
  static void write(Path dir, List<EvalResult> results, Map<String, String> context)
      throws IOException {
    System.setProperty("java.awt.headless", "true");
    Files.createDirectories(dir);
    List<EvalResult> plotted = untransformed(results);
    ChartUtils.saveChartAsPNG(
        dir.resolve(PRECISION_AT_TOP).toFile(), precisionAtTop(plotted), WIDTH, HEIGHT);
    ChartUtils.saveChartAsPNG(
        dir.resolve(PRECISION_VS_BITS).toFile(), precisionVsBits(plotted), WIDTH, HEIGHT);
    ChartUtils.saveChartAsPNG(dir.resolve(PR_RADIUS).toFile(), prByRadius(plotted), WIDTH, HEIGHT);
    Files.writeString(dir.resolve("report.md"), markdown(results, context), StandardCharsets.UTF_8);
    StringBuilder json = new StringBuilder();
    for (EvalResult r : results) {
      json.append(r.toJson()).append('\n');
    }
    Files.writeString(dir.resolve("results.jsonl"), json, StandardCharsets.UTF_8);
    Files.writeString(dir.resolve(PER_CLASS), perClass(results), StandardCharsets.UTF_8);
  }

  /** One row per class and result: the class's queries and their mean AP. */
  static String perClass(List<EvalResult> results) {
    StringBuilder b =
        new StringBuilder("encoder\tbits\tdistance\tquery_transform\tclass\tqueries\tap\n");
    for (EvalResult r : results) {
      for (EvalResult.ClassAp c : r.byClass()) {
        b.append(
            String.format(
                Locale.ROOT,
                "%s\t%d\t%s\t%s\t%s\t%d\t%.6f%n",
                r.encoder(),
                r.bits(),
                r.distance(),
                r.queryTransform(),
                c.className(),
                c.queries(),
                c.ap()));
      }
    }
    return b.toString();
  }

  /**
   * The results with untouched queries (what the plots show), or all of them when every run
   * transformed its queries.
   */
  static List<EvalResult> untransformed(List<EvalResult> results) {
    List<EvalResult> plain =
        results.stream().filter(r -> r.queryTransform().equals("identity")).toList();
    return plain.isEmpty()
        ? results.stream()
            .filter(r -> r.queryTransform().equals(results.get(0).queryTransform()))
            .toList()
        : plain;
  }

  /** MAP by encoder (rows) and query transform (columns); empty when no query was transformed. */
  static String transformTable(List<EvalResult> results) {
    List<String> transforms = results.stream().map(EvalResult::queryTransform).distinct().toList();
    if (transforms.equals(List.of("identity"))) {
      return "";
    }
    Map<String, Map<String, Double>> byEncoder = new LinkedHashMap<>();
    for (EvalResult r : results) {
      byEncoder
          .computeIfAbsent(r.encoder(), e -> new LinkedHashMap<>())
          .put(r.queryTransform(), r.map());
    }
    StringBuilder b =
        new StringBuilder(
            "MAP (tie-aware) by query transform (database untouched):\n\n| encoder |");
    StringBuilder sep = new StringBuilder("|---|");
    for (String t : transforms) {
      b.append(' ').append(t).append(" |");
      sep.append("---:|");
    }
    b.append('\n').append(sep).append('\n');
    byEncoder.forEach(
        (encoder, maps) -> {
          b.append("| ").append(encoder).append(" |");
          for (String t : transforms) {
            Double m = maps.get(t);
            b.append(m == null ? " - |" : String.format(Locale.ROOT, " %.4f |", m));
          }
          b.append('\n');
        });
    return b.append('\n').toString();
  }

  static String markdown(List<EvalResult> all, Map<String, String> context) {
    StringBuilder b = new StringBuilder("# texhash evaluation\n\n");
    for (Map.Entry<String, String> e : context.entrySet()) {
      b.append("- ").append(e.getKey()).append(": ").append(e.getValue()).append('\n');
    }
    b.append('\n');
    b.append(transformTable(all));
    List<EvalResult> results = untransformed(all);
    b.append(
        "| encoder | bits | MAP (tie-aware) | MAP pessimistic | MAP optimistic | P@r<=2 | R@r<=2 |"
            + " search ms/query | encode+search ms/query | full ranking ms/query | fit s |\n");
    b.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (EvalResult r : results) {
      b.append(
          String.format(
              Locale.ROOT,
              "| %s | %d | %.4f | %.4f | %.4f | %.4f | %.4f | %.3f | %.3f | %.3f | %.1f |\n",
              r.encoder(),
              r.bits(),
              r.map(),
              r.mapPessimistic(),
              r.mapOptimistic(),
              r.radius2Precision(),
              r.radius2Recall(),
              r.searchMsPerQuery(),
              r.totalMsPerQuery(),
              r.rankingMsPerQuery(),
              r.fitSeconds()));
    }
    if (!results.isEmpty()) {
      EvalResult first = results.get(0);
      b.append(
          String.format(
              Locale.ROOT,
              "%nProtocol %s: %d classes, %d queries, %d database %s, seed %d; "
                  + "search = top-%d HammingKnnQuery; ranked by the %s distance.%n%n",
              first.protocol(),
              first.classes(),
              first.queries(),
              first.database(),
              first.unit().equals(Manifest.Unit.REGION.tag())
                  ? "regions (each hashed from its " + first.patchSize() + "-pixel crops)"
                  : "patches of " + first.patchSize() + "x" + first.patchSize(),
              first.seed(),
              first.searchK(),
              first.distance()));
      b.append("Precision at top T (expected over tie orders):\n\n| encoder |");
      StringBuilder sep = new StringBuilder("|---|");
      for (Integer t : first.precisionAtTop().keySet()) {
        b.append(" T=").append(t).append(" |");
        sep.append("---:|");
      }
      b.append('\n').append(sep).append('\n');
      for (EvalResult r : results) {
        b.append("| ").append(r.encoder()).append(" |");
        for (Integer t : first.precisionAtTop().keySet()) {
          Double p = r.precisionAtTop().get(t);
          b.append(p == null ? " - |" : String.format(Locale.ROOT, " %.4f |", p));
        }
        b.append('\n');
      }
    }
    b.append(
        String.format(
            Locale.ROOT,
            "%n![precision at top T](%s)%n![precision vs bits](%s)%n![precision-recall over Hamming"
                + " radius](%s)%n",
            PRECISION_AT_TOP,
            PRECISION_VS_BITS,
            PR_RADIUS));
    return b.toString();
  }

  private static JFreeChart precisionAtTop(List<EvalResult> results) {
    XYSeriesCollection data = new XYSeriesCollection();
    for (EvalResult r : results) {
      XYSeries s = new XYSeries(r.encoder());
      r.precisionAtTop().forEach((t, p) -> s.add((double) t, p));
      data.addSeries(s);
    }
    JFreeChart chart =
        ChartFactory.createXYLineChart(
            "Precision at top T",
            "T (retrieved patches)",
            "precision",
            data,
            PlotOrientation.VERTICAL,
            true,
            false,
            false);
    XYPlot plot = style(chart);
    plot.setDomainAxis(logAxis("T (retrieved patches, log scale)", 10, 1));
    return chart;
  }

  /**
   * Per encoder family against K: precision at top T (T = 10 when listed, else the smallest T, so
   * that T stays below the number of relevant patches per class) and the tie-aware MAP.
   */
  private static JFreeChart precisionVsBits(List<EvalResult> results) {
    int t = results.isEmpty() ? 10 : chosenT(results.get(0));
    Map<String, TreeMap<Integer, Double>> series = new LinkedHashMap<>();
    for (EvalResult r : results) {
      Double p = r.precisionAtTop().get(t);
      if (p != null) {
        series.computeIfAbsent(family(r) + " P@" + t, f -> new TreeMap<>()).put(r.bits(), p);
      }
      series.computeIfAbsent(family(r) + " MAP", f -> new TreeMap<>()).put(r.bits(), r.map());
    }
    XYSeriesCollection data = new XYSeriesCollection();
    for (Map.Entry<String, TreeMap<Integer, Double>> e : series.entrySet()) {
      XYSeries s = new XYSeries(e.getKey());
      e.getValue().forEach((k, p) -> s.add((double) k, p));
      data.addSeries(s);
    }
    JFreeChart chart =
        ChartFactory.createXYLineChart(
            "Precision at top " + t + " and MAP vs code length",
            "bits (K)",
            "precision / MAP",
            data,
            PlotOrientation.VERTICAL,
            true,
            false,
            false);
    XYPlot plot = style(chart);
    plot.setDomainAxis(logAxis("bits (K, log scale)", 2, 8));
    return chart;
  }

  /** A log axis with plain integer labels (32, 64, ... or 1, 10, 100) at integer powers. */
  private static LogAxis logAxis(String label, int base, double smallest) {
    LogAxis x = new LogAxis(label);
    x.setBase(base);
    x.setSmallestValue(smallest);
    x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    x.setNumberFormatOverride(new DecimalFormat("0"));
    return x;
  }

  private static JFreeChart prByRadius(List<EvalResult> results) {
    XYSeriesCollection data = new XYSeriesCollection();
    for (EvalResult r : results) {
      XYSeries s = new XYSeries(r.encoder(), false, true);
      double[] p = r.precisionByRadius();
      double[] rec = r.recallByRadius();
      for (int radius = 0; radius < p.length; radius++) {
        s.add(rec[radius], p[radius]);
      }
      data.addSeries(s);
    }
    JFreeChart chart =
        ChartFactory.createXYLineChart(
            "Precision-recall within Hamming radius r = 0..K",
            "recall",
            "precision",
            data,
            PlotOrientation.VERTICAL,
            true,
            false,
            false);
    style(chart);
    return chart;
  }

  private static int chosenT(EvalResult r) {
    if (r.precisionAtTop().containsKey(10)) {
      return 10;
    }
    return r.precisionAtTop().keySet().stream().min(Integer::compare).orElse(1);
  }

  /** The encoder id without its bit count: lbp-lsh-64 -> lbp-lsh, itq-128 -> itq. */
  static String family(EvalResult r) {
    String id = r.encoder();
    String suffix = "-" + r.bits();
    int i = id.indexOf(suffix);
    return i > 0 ? id.substring(0, i) + id.substring(i + suffix.length()) : id;
  }

  private static XYPlot style(JFreeChart chart) {
    XYPlot plot = chart.getXYPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
    for (int i = 0; i < plot.getSeriesCount(); i++) {
      renderer.setSeriesStroke(i, new BasicStroke(1.6f));
      renderer.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
    }
    plot.setRenderer(renderer);
    NumberAxis y = (NumberAxis) plot.getRangeAxis();
    y.setRange(0, 1.02);
    return plot;
  }
}
