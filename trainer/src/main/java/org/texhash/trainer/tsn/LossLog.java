package org.texhash.trainer.tsn;

import java.awt.BasicStroke;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.texhash.trainer.nn.AtomicFiles;

/**
 * The loss curves of a run: one CSV row per step ({@code losses.csv}) and a PNG chart of their
 * moving averages ({@code losses.png}). On resume the rows after the checkpoint are dropped, so the
 * CSV always matches the parameters.
 */
public final class LossLog {
  public static final String HEADER = "step,seconds,d_loss,g_adv,g_l1,g_style,g_total";
  static final int SMOOTHING = 50;

  public record Row(long step, double seconds, StepLosses losses) {}

  private final Path csv;
  private final List<Row> rows = new ArrayList<>();

  private LossLog(Path csv) {
    this.csv = csv;
  }

  /**
   * A log at {@code csv} keeping the rows up to {@code lastStep} of an existing file (0: start
   * afresh).
   */
  public static LossLog open(Path csv, long lastStep) throws IOException {
    LossLog log = new LossLog(csv);
    if (lastStep > 0 && Files.exists(csv)) {
      for (String line : Files.readAllLines(csv, StandardCharsets.UTF_8)) {
        if (line.isBlank() || line.startsWith("step")) {
          continue;
        }
        String[] f = line.split(",");
        long step = Long.parseLong(f[0]);
        if (step <= lastStep) {
          log.rows.add(
              new Row(
                  step,
                  Double.parseDouble(f[1]),
                  new StepLosses(
                      Float.parseFloat(f[2]),
                      Float.parseFloat(f[3]),
                      Float.parseFloat(f[4]),
                      Float.parseFloat(f[5]),
                      Float.parseFloat(f[6]))));
        }
      }
    }
    log.rewrite();
    return log;
  }

  public List<Row> rows() {
    return List.copyOf(rows);
  }

  private void rewrite() throws IOException {
    Files.createDirectories(csv.toAbsolutePath().getParent());
    AtomicFiles.write(
        csv,
        out -> {
          StringBuilder sb = new StringBuilder(HEADER).append('\n');
          for (Row r : rows) {
            sb.append(format(r)).append('\n');
          }
          out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
        });
  }

  private static String format(Row r) {
    StepLosses l = r.losses();
    return String.format(
        Locale.ROOT,
        "%d,%.1f,%.6g,%.6g,%.6g,%.6g,%.6g",
        r.step(),
        r.seconds(),
        l.discriminator(),
        l.adversarial(),
        l.l1(),
        l.style(),
        l.generatorTotal());
  }

  public void append(long step, double seconds, StepLosses losses) throws IOException {
    Row r = new Row(step, seconds, losses);
    rows.add(r);
    try (BufferedWriter w =
        Files.newBufferedWriter(csv, StandardCharsets.UTF_8, StandardOpenOption.APPEND)) {
      w.write(format(r));
      w.write('\n');
    }
  }

  /**
   * Draws G's loss terms as {@code options} weights them (moving average over {@value #SMOOTHING}
   * steps) on a log scale; a term whose weight is 0 is drawn unweighted, so that an ablation run
   * still shows how far it is from that target.
   */
  public void writeChart(Path png, String title, TsnTrainingOptions options) throws IOException {
    XYSeries d = new XYSeries("D (least squares)");
    XYSeries adv = new XYSeries(term("G adversarial", options.adversarialWeight()));
    XYSeries l1 = new XYSeries(term("G L1", options.l1Weight()));
    XYSeries style = new XYSeries(term("G style (Gram)", options.styleWeight()));
    double[] weights = {
      1, shown(options.adversarialWeight()), shown(options.l1Weight()), shown(options.styleWeight())
    };
    double[] sums = new double[4];
    for (int i = 0; i < rows.size(); i++) {
      add(sums, rows.get(i), weights, +1);
      if (i >= SMOOTHING) {
        add(sums, rows.get(i - SMOOTHING), weights, -1);
      }
      int n = Math.min(i + 1, SMOOTHING);
      long step = rows.get(i).step();
      addPositive(d, step, sums[0] / n);
      addPositive(adv, step, sums[1] / n);
      addPositive(l1, step, sums[2] / n);
      addPositive(style, step, sums[3] / n);
    }
    XYSeriesCollection data = new XYSeriesCollection();
    data.addSeries(d);
    data.addSeries(adv);
    data.addSeries(l1);
    data.addSeries(style);
    LogAxis y = new LogAxis("loss (moving average of " + SMOOTHING + " steps)");
    y.setSmallestValue(1e-4);
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
    for (int i = 0; i < 4; i++) {
      renderer.setSeriesStroke(i, new BasicStroke(1.5f));
    }
    XYPlot plot = new XYPlot(data, new NumberAxis("step"), y, renderer);
    JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
    Path tmp = png.resolveSibling(png.getFileName() + ".tmp");
    ChartUtils.saveChartAsPNG(tmp.toFile(), chart, 900, 500);
    Files.move(
        tmp,
        png,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  private static String term(String name, float weight) {
    return weight == 0 ? name + " (not in the loss)" : trim(weight) + " x " + name;
  }

  private static String trim(float w) {
    return w == Math.rint(w) ? Long.toString((long) w) : Float.toString(w);
  }

  private static double shown(float weight) {
    return weight == 0 ? 1 : weight;
  }

  private static void add(double[] sums, Row r, double[] weights, int sign) {
    StepLosses l = r.losses();
    sums[0] += sign * weights[0] * l.discriminator();
    sums[1] += sign * weights[1] * l.adversarial();
    sums[2] += sign * weights[2] * l.l1();
    sums[3] += sign * weights[3] * l.style();
  }

  private static void addPositive(XYSeries s, long step, double v) {
    if (v > 0 && Double.isFinite(v)) {
      s.add(step, v);
    }
  }
}
