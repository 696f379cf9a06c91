package io.btspeed.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScenarioLoaderTest {
    static final String GOOD = """
            name: t
            pieces: 8
            pieceSize: 16384
            market: {paidSlots: 1, rule: highest-losing}
            groups:
              - {name: s, count: 1, kind: nonbidder, complete: true, uploadKiBps: 100}
              - {name: l, count: 3, kind: bidder, budget: 5, uploadKiBps: 10, arrival: {type: poisson, ratePerSecond: 0.5}}
            """;

    @Test
    void readsYamlWithDefaults() {
        Scenario s = ScenarioLoader.parse(GOOD, true, "good.yaml");
        assertThat(s.peerCount()).isEqualTo(4);
        assertThat(s.uploadSlots()).isEqualTo(4);
        assertThat(s.groups().get(1).kind()).isEqualTo(Kind.BIDDER);
        assertThat(s.groups().get(1).departure().type()).isEqualTo("stay");
        assertThat(s.market().reservePrice()).isZero();
    }

    @Test
    void readsJson() {
        Scenario s = ScenarioLoader.parse("""
                {"pieces": 4, "pieceSize": 16384, "groups": [{"name": "a", "count": 2, "uploadKiBps": 5}]}""", false, "x.json");
        assertThat(s.groups().get(0).kind()).isEqualTo(Kind.PLAIN);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "pieceSize: 16384|pieceSize: 16384\\nslots: 3|unknown field 'slots' at top level",
            "kind: bidder|kind: buyer|groups[1].kind",
            "uploadKiBps: 10, arrival|uploadKiBps: -1, arrival|groups[1] (l): uploadKiBps must be positive",
            "type: poisson|type: burst|arrival.type 'burst' is not flash or poisson",
            "highest-losing|second-price|unknown clearing rule 'second-price'",
            "pieces: 8|pieces: many|pieces",
            "budget: 5|budget: 5, departure: {type: leave, probability: 2}|departure.probability must be in [0, 1]",
            "uploadKiBps: 100|uploadKiBps: 100, arrival: {type: flash, rate: 1}|unknown field 'rate' at groups[0].arrival",
            "uploadKiBps: 100|uploadKiBps: 100, count: 2|Duplicate field 'count'",
            "count: 3|count: 3000000|the groups must hold 1..1000000 peers",
    })
    void rejectsBadFilesNamingTheField(String from, String to, String message) {
        String bad = GOOD.replace(from, to.replace("\\n", "\n"));
        assertThat(bad).isNotEqualTo(GOOD);
        assertThatThrownBy(() -> ScenarioLoader.parse(bad, true, "bad.yaml"))
                .isInstanceOf(ScenarioException.class).hasMessageContaining("bad.yaml").hasMessageContaining(message);
    }

    @Test
    void rejectsNonMapsAndEmptyGroups() {
        assertThatThrownBy(() -> ScenarioLoader.parse("- 1\n- 2\n", true, "list.yaml")).hasMessageContaining("map of fields");
        assertThatThrownBy(() -> ScenarioLoader.parse("pieces: 1\npieceSize: 1\ngroups: []\n", true, "e.yaml"))
                .hasMessageContaining("at least one group");
        assertThatThrownBy(() -> ScenarioLoader.parse("{\"pieces\": 1,", false, "t.json")).isInstanceOf(ScenarioException.class)
                .hasMessageContaining("t.json");
    }

    @Test
    void everyShippedScenarioLoads() throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(Path.of("scenarios"), "*.{yaml,yml,json}")) {
            int n = 0;
            for (Path f : files) {
                assertThat(ScenarioLoader.load(f).peerCount()).as(f.toString()).isPositive();
                n++;
            }
            assertThat(n).isPositive();
        }
    }
}
