package io.btspeed.app.sim;

import io.btspeed.app.UserException;
import io.btspeed.sim.Scenario;
import io.btspeed.sim.ScenarioException;
import io.btspeed.sim.ScenarioLoader;
import io.btspeed.sim.Swarm;
import io.btspeed.sim.report.Charts;
import io.btspeed.sim.report.RunReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "sim", description = "Swarm simulator: run scenarios (sim/scenarios/*.yaml) through the real choker, picker and market.",
        subcommands = SimCommand.Run.class)
public final class SimCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(name = "run", description = {
            "Simulate one or more scenarios; writes peers.csv, samples.csv, summary.txt/.csv and PNG plots to --out.",
            "Several scenarios or --vary values become runs side by side (one subdirectory each, plus overlaid plots)."})
    static final class Run implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "SCENARIO", description = "scenario file(s), YAML or JSON")
        List<Path> scenarios;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "output directory (created)")
        Path out;

        @Option(names = "--seed", paramLabel = "N", description = "override the scenario's seed")
        Long seed;

        @Option(names = "--set", paramLabel = "PATH=VALUE",
                description = "override a field, e.g. market.rule=highest-losing, uploadSlots=8, groups.bidders.shading=0.5")
        Map<String, String> set = new LinkedHashMap<>();

        @Option(names = "--vary", paramLabel = "PATH=V1,V2,...", description = "one run per value of this field (labelled PATH=V)")
        String vary;

        @Override
        public Integer call() {
            List<Charts.Run> runs = new ArrayList<>();
            for (Path file : scenarios) {
                if (!Files.isRegularFile(file)) throw new UserException("no such scenario file: " + file);
                String base = file.getFileName().toString().replaceFirst("\\.(ya?ml|json)$", "");
                if (vary == null) {
                    runs.add(new Charts.Run(label(base, runs), simulate(file, set)));
                } else {
                    int eq = vary.indexOf('=');
                    if (eq <= 0) throw new UserException("--vary wants PATH=V1,V2,..., got '" + vary + "'");
                    for (String v : vary.substring(eq + 1).split(",")) {
                        Map<String, String> o = new LinkedHashMap<>(set);
                        o.put(vary.substring(0, eq), v.trim());
                        String l = (scenarios.size() > 1 ? base + "-" : "") + vary.substring(0, eq) + "=" + v.trim();
                        runs.add(new Charts.Run(label(l, runs), simulate(file, o)));
                    }
                }
            }
            System.out.print(RunReport.write(runs, out));
            System.out.println("wrote " + out.toAbsolutePath());
            return 0;
        }

        private io.btspeed.sim.SimResult simulate(Path file, Map<String, String> overrides) {
            Scenario s;
            try {
                s = ScenarioLoader.load(file, overrides);
            } catch (ScenarioException e) {
                throw new UserException(e.getMessage());
            }
            if (seed != null) s = s.withSeed(seed);
            System.err.println("simulating " + file + (overrides.isEmpty() ? "" : " " + overrides) + " ...");
            return Swarm.run(s);
        }

        private static String label(String l, List<Charts.Run> runs) {
            String out = l.replaceAll("[^A-Za-z0-9=._-]", "_");
            for (Charts.Run r : runs) if (r.label().equals(out)) return out + "-" + (runs.size() + 1);
            return out;
        }
    }
}
