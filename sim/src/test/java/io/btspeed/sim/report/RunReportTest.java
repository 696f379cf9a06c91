package io.btspeed.sim.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.btspeed.sim.ScenarioLoader;
import io.btspeed.sim.SimResult;
import io.btspeed.sim.Swarm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class RunReportTest {
    static final Path SMALL = Path.of("scenarios/small-scarcity.yaml");

    @Test
    void writesCsvSummaryAndPlotsForEveryRun(@TempDir Path dir) throws IOException {
        SimResult a = Swarm.run(ScenarioLoader.load(SMALL));
        SimResult b = Swarm.run(ScenarioLoader.load(SMALL, Map.of("market.rule", "highest-losing")));
        assertThat(b.scenario().market().rule()).isEqualTo("highest-losing");
        String text = RunReport.write(List.of(new Charts.Run("lw", a), new Charts.Run("hl", b)), dir);

        assertThat(text).contains("== lw", "== hl", "bidders", "nonbidders", "plain");
        for (String run : List.of("lw", "hl")) {
            Path d = dir.resolve(run);
            List<String> peers = Files.readAllLines(d.resolve("peers.csv"));
            assertThat(peers).hasSize(a.peers().size() + 1);
            assertThat(peers.get(0)).startsWith("id,group,kind,");
            assertThat(Files.readAllLines(d.resolve("samples.csv")).size()).isGreaterThan(2);
            assertThat(Files.readAllLines(d.resolve("summary.csv"))).hasSize(1 + 4); // header + 4 groups
            for (String png : List.of("completion-cdf.png", "population.png", "availability.png")) assertPng(d.resolve(png));
        }
        assertPng(dir.resolve("completion-cdf.png"));
        assertThat(Files.readString(dir.resolve("summary.txt"))).isEqualTo(text);
    }

    @Test
    void summaryFiguresMatchThePeers() {
        SimResult r = Swarm.run(ScenarioLoader.load(SMALL));
        GroupStats bidders = GroupStats.of(r).stream().filter(g -> g.group().equals("bidders")).findFirst().orElseThrow();
        double mean = r.peers().stream().filter(p -> p.group().equals("bidders")).mapToDouble(p -> p.downloadSeconds()).average().orElseThrow();
        assertThat(bidders.mean()).isEqualTo(mean);
        assertThat(bidders.completed()).isEqualTo(10);
        assertThat(bidders.p10()).isLessThanOrEqualTo(bidders.p50()).isLessThanOrEqualTo(bidders.p90()).isLessThanOrEqualTo(bidders.max());
        long spent = r.peers().stream().filter(p -> p.group().equals("bidders")).mapToLong(p -> p.spent()).sum();
        assertThat(bidders.meanSpent()).isEqualTo(spent / 10.0);
    }

    private static void assertPng(Path p) throws IOException {
        byte[] b = Files.readAllBytes(p);
        assertThat(b.length).as(p.toString()).isGreaterThan(1000);
        assertThat(new byte[] {b[1], b[2], b[3]}).as("PNG signature of " + p).isEqualTo("PNG".getBytes());
    }
}
