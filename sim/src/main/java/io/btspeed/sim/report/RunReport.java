package io.btspeed.sim.report;

import io.btspeed.sim.SimResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes everything about one or several runs into a directory: per run a subdirectory (or the directory itself
 * for a single run) with peers.csv, samples.csv, summary.txt, summary.csv and the plots; for several runs also
 * the same plots with all runs overlaid, so a study is one command.
 */
public final class RunReport {
    private RunReport() {}

    /** @return the summary text of every run, as printed */
    public static String write(List<Charts.Run> runs, Path dir) {
        try {
            Files.createDirectories(dir);
            StringBuilder all = new StringBuilder();
            for (Charts.Run run : runs) {
                Path d = runs.size() == 1 ? dir : dir.resolve(run.label());
                Files.createDirectories(d);
                SimResult r = run.result();
                CsvReport.writePeers(r, d.resolve("peers.csv"));
                CsvReport.writeSamples(r, d.resolve("samples.csv"));
                String text = SummaryTable.text(r);
                Files.writeString(d.resolve("summary.txt"), text);
                Files.writeString(d.resolve("summary.csv"), SummaryTable.csv(r));
                List<Charts.Run> one = List.of(run);
                plots(one, d);
                if (runs.size() > 1) all.append("== ").append(run.label()).append('\n');
                all.append(text);
            }
            if (runs.size() > 1) {
                plots(new ArrayList<>(runs), dir);
                Files.writeString(dir.resolve("summary.txt"), all.toString());
            }
            return all.toString();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report to " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void plots(List<Charts.Run> runs, Path d) {
        Charts.completionCdf(runs, d.resolve("completion-cdf.png"));
        Charts.population(runs, d.resolve("population.png"));
        Charts.availability(runs, d.resolve("availability.png"));
    }
}
