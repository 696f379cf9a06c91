package io.btspeed.sim.report;

import io.btspeed.sim.PeerResult;
import io.btspeed.sim.Sample;
import io.btspeed.sim.SimResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * PNG plots of one or several runs (several: one series per run and group, labelled "run/group"), drawn with
 * XChart headless.
 */
public final class Charts {
    private Charts() {}

    /** Runs to draw together, each with the label its series carry. */
    public record Run(String label, SimResult result) {}

    /** Empirical CDF of download times per group: x = seconds, y = fraction of the group finished. */
    public static void completionCdf(List<Run> runs, Path png) {
        XYChart c = chart("Download completion times", "download time (s)", "fraction of group completed");
        for (Run run : runs) {
            Map<String, List<Double>> by = new LinkedHashMap<>();
            Map<String, Integer> sizes = new LinkedHashMap<>();
            for (PeerResult p : run.result().peers()) {
                if (p.startedComplete()) continue;
                sizes.merge(p.group(), 1, Integer::sum);
                if (!Double.isNaN(p.downloadSeconds())) by.computeIfAbsent(p.group(), k -> new ArrayList<>()).add(p.downloadSeconds());
            }
            for (var e : by.entrySet()) {
                List<Double> t = e.getValue();
                t.sort(null);
                double[] x = new double[t.size()], y = new double[t.size()];
                for (int i = 0; i < x.length; i++) {
                    x[i] = t.get(i);
                    y[i] = (i + 1.0) / sizes.get(e.getKey());
                }
                add(c, label(runs, run, e.getKey()), x, y);
            }
        }
        save(c, png);
    }

    /** Seeds and leechers present over time. */
    public static void population(List<Run> runs, Path png) {
        XYChart c = chart("Swarm population", "time (s)", "peers present");
        for (Run run : runs) {
            List<Sample> s = run.result().samples();
            double[] t = new double[s.size()], seeds = new double[s.size()], leech = new double[s.size()];
            for (int i = 0; i < t.length; i++) {
                t[i] = s.get(i).t();
                seeds[i] = s.get(i).seeds();
                leech[i] = s.get(i).leechers();
            }
            add(c, label(runs, run, "seeds"), t, seeds);
            add(c, label(runs, run, "leechers"), t, leech);
        }
        save(c, png);
    }

    /** Fraction of the torrent's pieces that some present peer holds (1.0 = a full copy exists). */
    public static void availability(List<Run> runs, Path png) {
        XYChart c = chart("File availability", "time (s)", "fraction of pieces in the swarm");
        for (Run run : runs) {
            List<Sample> s = run.result().samples();
            double[] t = new double[s.size()], a = new double[s.size()];
            for (int i = 0; i < t.length; i++) {
                t[i] = s.get(i).t();
                a[i] = (double) s.get(i).availablePieces() / run.result().scenario().pieces();
            }
            add(c, label(runs, run, "available"), t, a);
        }
        save(c, png);
    }

    private static String label(List<Run> runs, Run run, String series) {
        return runs.size() == 1 ? series : run.label() + "/" + series;
    }

    private static XYChart chart(String title, String x, String y) {
        System.setProperty("java.awt.headless", "true");
        XYChart c = new XYChartBuilder().width(900).height(520).title(title).xAxisTitle(x).yAxisTitle(y).build();
        c.getStyler().setMarkerSize(0);
        c.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        return c;
    }

    private static void add(XYChart c, String name, double[] x, double[] y) {
        if (x.length == 0) return;
        XYSeries s = c.addSeries(name, x, y);
        s.setMarker(SeriesMarkers.NONE);
    }

    private static void save(XYChart c, Path png) {
        try {
            BitmapEncoder.saveBitmap(c, png.toString(), BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + png + ": " + e.getMessage(), e);
        }
    }
}
