package io.fipkeeper.bench.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BoxAndWhiskerRenderer;
import org.jfree.chart.renderer.category.ScatterRenderer;
import org.jfree.data.statistics.DefaultBoxAndWhiskerCategoryDataset;
import org.jfree.data.statistics.DefaultMultiValueCategoryDataset;

/**
 * A box-and-whisker PNG of recovery times (seconds from the signal or fault until the new holder serves), one
 * horizontal band per scenario and action time, one box per tool, every trial drawn as a dot over its box.
 * Rendered headless.
 */
public final class ChartRenderer {
  private static final Color[] TOOL_COLORS = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c)};

  static {
    System.setProperty("java.awt.headless", "true");
  }

  private ChartRenderer() {}

  /** The height that gives every band of this data room to read: 34 px per tool per band plus the frame. */
  public static int heightFor(List<Measurement> ms) {
    Map<String, Map<String, List<Double>>> g = group(ms);
    long tools = ms.stream().map(Measurement::tool).distinct().count();
    return (int) Math.max(360, 160 + g.size() * Math.max(1, tools) * 34);
  }

  /** Writes the chart of every measurement with a recovery time to {@code png}, {@code width}×{@code height}. */
  public static void render(List<Measurement> ms, String title, Path png, int width, int height) {
    DefaultBoxAndWhiskerCategoryDataset data = new DefaultBoxAndWhiskerCategoryDataset();
    DefaultMultiValueCategoryDataset points = new DefaultMultiValueCategoryDataset();
    group(ms).forEach((category, byTool) -> byTool.forEach((tool, values) -> {
      data.add(values, tool, category);
      points.add(values, tool, category);
    }));
    CategoryAxis categories = new CategoryAxis(null);
    categories.setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    categories.setMaximumCategoryLabelWidthRatio(0.4f);
    NumberAxis seconds = new NumberAxis("seconds from signal/fault to new holder serving (IP assigned and bound)");
    seconds.setAutoRangeIncludesZero(true);
    BoxAndWhiskerRenderer boxes = new BoxAndWhiskerRenderer();
    boxes.setMeanVisible(false);
    boxes.setFillBox(true);
    boxes.setMaximumBarWidth(0.08);
    boxes.setDefaultOutlineStroke(new BasicStroke(1f));
    for (int i = 0; i < data.getRowCount(); i++) {
      boxes.setSeriesPaint(i, TOOL_COLORS[i % TOOL_COLORS.length]);
    }
    CategoryPlot plot = new CategoryPlot(data, categories, seconds, boxes);
    // every trial as a dot over its box, so small samples and single outliers stay visible
    ScatterRenderer dots = new ScatterRenderer();
    dots.setUseOutlinePaint(true);
    dots.setDefaultOutlinePaint(Color.DARK_GRAY);
    for (int i = 0; i < points.getRowCount(); i++) {
      dots.setSeriesPaint(i, TOOL_COLORS[i % TOOL_COLORS.length].brighter());
      dots.setSeriesShape(i, new java.awt.geom.Ellipse2D.Double(-3, -3, 6, 6));
      dots.setSeriesVisibleInLegend(i, false);
    }
    plot.setDataset(1, points);
    plot.setRenderer(1, dots);
    plot.setOrientation(PlotOrientation.HORIZONTAL);
    plot.setRangeAxisLocation(AxisLocation.BOTTOM_OR_LEFT);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 15), plot, true);
    chart.setBackgroundPaint(Color.WHITE);
    try {
      if (png.toAbsolutePath().getParent() != null) {
        Files.createDirectories(png.toAbsolutePath().getParent());
      }
      ChartUtils.saveChartAsPNG(png.toFile(), chart, width, height);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write chart " + png + ": " + e.getMessage(), e);
    }
  }

  /** category ("scenario · action N ms") → tool → recovery seconds, in first-seen order. */
  private static Map<String, Map<String, List<Double>>> group(List<Measurement> ms) {
    Map<String, Map<String, List<Double>>> g = new LinkedHashMap<>();
    for (Measurement m : ReportTables.ordered(ms)) {
      if (m.recoveryMs() < 0) {
        continue;
      }
      g.computeIfAbsent(m.scenario() + " · action " + m.actionMs() + " ms", k -> new LinkedHashMap<>())
          .computeIfAbsent(m.tool(), k -> new ArrayList<>()).add(m.recoveryMs() / 1000.0);
    }
    return g;
  }
}
