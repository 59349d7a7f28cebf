package org.texhash.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.texhash.indexer.eval.EvalResult;

/**
 * The {@code --report DIR} of {@code texhash eval}: {@code report.md} (tables, command, data,
 * machine) and three PNG plots drawn with JFreeChart: precision at top-T, precision versus bits,
 * and the precision-recall curve over Hamming radius 0..K (radius 2 is the table's point).
 */
final class EvalReport {
  static final String PRECISION_AT_TOP = "precision_at_top.png";
  static final String PRECISION_VS_BITS = "precision_vs_bits.png";
  static final String PR_RADIUS = "pr_radius.png";
  private static final int WIDTH = 640;
  private static final int HEIGHT = 420;

  private EvalReport() {}

  /** Writes the report; {@code context} lines (command, data, machine) go at the top. */
  static void write(Path dir, List<EvalResult> results, Map<String, String> context) throws IOException {
    System.setProperty("java.awt.headless", "true");
    Files.createDirectories(dir);
    ChartUtils.saveChartAsPNG(dir.resolve(PRECISION_AT_TOP).toFile(), precisionAtTop(results), WIDTH, HEIGHT);
    ChartUtils.saveChartAsPNG(dir.resolve(PRECISION_VS_BITS).toFile(), precisionVsBits(results), WIDTH, HEIGHT);
    ChartUtils.saveChartAsPNG(dir.resolve(PR_RADIUS).toFile(), prByRadius(results), WIDTH, HEIGHT);
    Files.writeString(dir.resolve("report.md"), markdown(results, context), StandardCharsets.UTF_8);
  }

  static String markdown(List<EvalResult> results, Map<String, String> context) {
    StringBuilder b = new StringBuilder("# texhash evaluation\n\n");
    for (Map.Entry<String, String> e : context.entrySet()) {
      b.append("- ").append(e.getKey()).append(": ").append(e.getValue()).append('\n');
    }
    b.append('\n');
    b.append("| encoder | bits | MAP (tie-aware) | MAP pessimistic | MAP optimistic | P@r<=2 | R@r<=2 | search ms/query | encode+search ms/query | full ranking ms/query | fit s |\n");
    b.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (EvalResult r : results) {
      b.append(String.format(Locale.ROOT, "| %s | %d | %.4f | %.4f | %.4f | %.4f | %.4f | %.3f | %.3f | %.3f | %.1f |\n",
          r.encoder(), r.bits(), r.map(), r.mapPessimistic(), r.mapOptimistic(), r.radius2Precision(), r.radius2Recall(),
          r.searchMsPerQuery(), r.totalMsPerQuery(), r.rankingMsPerQuery(), r.fitSeconds()));
    }
    if (!results.isEmpty()) {
      EvalResult first = results.get(0);
      b.append(String.format(Locale.ROOT, "%nProtocol %s: %d classes, %d queries, %d database patches of %dx%d, seed %d; "
              + "search = top-%d HammingKnnQuery.%n%n",
          first.protocol(), first.classes(), first.queries(), first.database(), first.patchSize(), first.patchSize(), first.seed(), first.searchK()));
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
    b.append(String.format(Locale.ROOT, "%n![precision at top T](%s)%n![precision vs bits](%s)%n![precision-recall over Hamming radius](%s)%n",
        PRECISION_AT_TOP, PRECISION_VS_BITS, PR_RADIUS));
    return b.toString();
  }

  private static JFreeChart precisionAtTop(List<EvalResult> results) {
    XYSeriesCollection data = new XYSeriesCollection();
    for (EvalResult r : results) {
      XYSeries s = new XYSeries(r.encoder());
      r.precisionAtTop().forEach((t, p) -> s.add((double) t, p));
      data.addSeries(s);
    }
    JFreeChart chart = ChartFactory.createXYLineChart("Precision at top T", "T (retrieved patches)", "precision", data,
        PlotOrientation.VERTICAL, true, false, false);
    XYPlot plot = style(chart);
    LogAxis x = new LogAxis("T (retrieved patches, log scale)");
    x.setBase(10);
    x.setSmallestValue(1);
    plot.setDomainAxis(x);
    return chart;
  }

  /** Precision at top-100 (or the largest T when fewer) per encoder family, against K. */
  private static JFreeChart precisionVsBits(List<EvalResult> results) {
    Map<String, TreeMap<Integer, Double>> byFamily = new LinkedHashMap<>();
    int t = results.isEmpty() ? 100 : chosenT(results.get(0));
    for (EvalResult r : results) {
      Double p = r.precisionAtTop().get(t);
      if (p != null) {
        byFamily.computeIfAbsent(family(r), f -> new TreeMap<>()).put(r.bits(), p);
      }
    }
    XYSeriesCollection data = new XYSeriesCollection();
    for (Map.Entry<String, TreeMap<Integer, Double>> e : byFamily.entrySet()) {
      XYSeries s = new XYSeries(e.getKey());
      e.getValue().forEach((k, p) -> s.add((double) k, p));
      data.addSeries(s);
    }
    JFreeChart chart = ChartFactory.createXYLineChart("Precision at top " + t + " vs code length", "bits (K)", "precision@" + t, data,
        PlotOrientation.VERTICAL, true, false, false);
    XYPlot plot = style(chart);
    LogAxis x = new LogAxis("bits (K, log scale)");
    x.setBase(2);
    x.setSmallestValue(8);
    x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    plot.setDomainAxis(x);
    return chart;
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
    JFreeChart chart = ChartFactory.createXYLineChart("Precision-recall within Hamming radius r = 0..K", "recall", "precision", data,
        PlotOrientation.VERTICAL, true, false, false);
    style(chart);
    return chart;
  }

  private static int chosenT(EvalResult r) {
    if (r.precisionAtTop().containsKey(100)) {
      return 100;
    }
    int best = 1;
    for (int t : r.precisionAtTop().keySet()) {
      best = Math.max(best, t);
    }
    return best;
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
    }
    plot.setRenderer(renderer);
    NumberAxis y = (NumberAxis) plot.getRangeAxis();
    y.setRange(0, 1.02);
    return plot;
  }
}
