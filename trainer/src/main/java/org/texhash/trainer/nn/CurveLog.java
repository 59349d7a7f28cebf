package org.texhash.trainer.nn;

import java.awt.BasicStroke;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Named loss curves of a run: one CSV row per step ({@code step,seconds,<columns>}) and a PNG of
 * their moving averages. Reopened at a checkpoint, it drops the rows after it, so the CSV always
 * matches the parameters.
 */
public final class CurveLog {
  public static final int SMOOTHING = 50;

  private final Path csv;
  private final List<String> columns;
  private final List<double[]> rows = new ArrayList<>(); // step, seconds, values...

  private CurveLog(Path csv, List<String> columns) {
    this.csv = csv;
    this.columns = List.copyOf(columns);
  }

  public static CurveLog open(Path csv, List<String> columns, long lastStep) throws IOException {
    CurveLog log = new CurveLog(csv, columns);
    if (lastStep > 0 && Files.exists(csv)) {
      for (String line : Files.readAllLines(csv, StandardCharsets.UTF_8)) {
        if (line.isBlank() || line.startsWith("step")) {
          continue;
        }
        String[] f = line.split(",");
        double[] r = new double[f.length];
        for (int i = 0; i < f.length; i++) {
          r[i] = Double.parseDouble(f[i]);
        }
        if (r[0] <= lastStep && r.length == columns.size() + 2) {
          log.rows.add(r);
        }
      }
    }
    Files.createDirectories(csv.toAbsolutePath().getParent());
    AtomicFiles.write(
        csv,
        out -> {
          StringBuilder sb =
              new StringBuilder("step,seconds,").append(String.join(",", columns)).append('\n');
          for (double[] r : log.rows) {
            sb.append(format(r)).append('\n');
          }
          out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
        });
    return log;
  }

  public int size() {
    return rows.size();
  }

  /** The step of row {@code i}. */
  public long step(int i) {
    return (long) rows.get(i)[0];
  }

  /** Column {@code c}'s value in row {@code i}. */
  public double value(int i, int c) {
    return rows.get(i)[c + 2];
  }

  public void append(long step, double seconds, double... values) throws IOException {
    if (values.length != columns.size()) {
      throw new IllegalArgumentException("expected " + columns.size() + " values");
    }
    double[] r = new double[values.length + 2];
    r[0] = step;
    r[1] = seconds;
    System.arraycopy(values, 0, r, 2, values.length);
    rows.add(r);
    try (BufferedWriter w =
        Files.newBufferedWriter(csv, StandardCharsets.UTF_8, StandardOpenOption.APPEND)) {
      w.write(format(r));
      w.write('\n');
    }
  }

  private static String format(double[] r) {
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%d,%.1f", (long) r[0], r[1]));
    for (int i = 2; i < r.length; i++) {
      sb.append(String.format(Locale.ROOT, ",%.6g", r[i]));
    }
    return sb.toString();
  }

  /** Moving averages over {@value #SMOOTHING} steps, linear axes. */
  public void writeChart(Path png, String title) throws IOException {
    XYSeriesCollection data = new XYSeriesCollection();
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
    for (int c = 0; c < columns.size(); c++) {
      XYSeries s = new XYSeries(columns.get(c));
      double sum = 0;
      for (int i = 0; i < rows.size(); i++) {
        sum += value(i, c);
        if (i >= SMOOTHING) {
          sum -= value(i - SMOOTHING, c);
        }
        double v = sum / Math.min(i + 1, SMOOTHING);
        if (Double.isFinite(v)) {
          s.add(rows.get(i)[0], v);
        }
      }
      data.addSeries(s);
      renderer.setSeriesStroke(c, new BasicStroke(1.5f));
    }
    XYPlot plot =
        new XYPlot(
            data,
            new NumberAxis("step"),
            new NumberAxis("loss (moving average of " + SMOOTHING + " steps)"),
            renderer);
    JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
    Path tmp = png.resolveSibling(png.getFileName() + ".tmp");
    ChartUtils.saveChartAsPNG(tmp.toFile(), chart, 900, 500);
    Files.move(tmp, png, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
