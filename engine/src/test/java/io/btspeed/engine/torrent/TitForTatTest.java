package io.btspeed.engine.torrent;

import io.btspeed.engine.torrent.TitForTat.Candidate;
import io.btspeed.engine.torrent.TitForTat.Decision;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class TitForTatTest {
    private static final List<Candidate<String>> PEERS = List.of(
            new Candidate<>("slow", true, 10), new Candidate<>("fast", true, 1000), new Candidate<>("mid", true, 500),
            new Candidate<>("idle", false, 5000), new Candidate<>("new", true, 0));

    @Test
    void bestInterestedRatesGetTheRegularSlotsAndOneMoreIsOptimistic() {
        Decision<String> d = TitForTat.decide(PEERS, 2, null, true, new Random(1));
        assertThat(d.unchoke()).contains("fast", "mid").doesNotContain("idle").hasSize(3);
        assertThat(d.optimistic()).isIn("slow", "new");
    }

    @Test
    void optimisticStaysUntilRotationUnlessItLeftOrEarnedARegularSlot() {
        assertThat(TitForTat.decide(PEERS, 2, "new", false, new Random(1)).optimistic()).isEqualTo("new");
        // Gone (not interested any more) or promoted: a new one is drawn even without rotation.
        assertThat(TitForTat.decide(PEERS, 2, "idle", false, new Random(1)).optimistic()).isIn("slow", "new");
        assertThat(TitForTat.decide(PEERS, 2, "fast", false, new Random(1)).optimistic()).isIn("slow", "new");
    }

    @Test
    void rotationVisitsEveryChokedPeerOverTime() {
        var seen = new java.util.HashSet<String>();
        Random r = new Random(7);
        String opt = null;
        for (int i = 0; i < 50; i++) {
            opt = TitForTat.decide(PEERS, 1, opt, true, r).optimistic();
            seen.add(opt);
        }
        assertThat(seen).containsExactlyInAnyOrder("slow", "mid", "new");
    }

    @Test
    void nobodyInterestedMeansNobodyUnchoked() {
        Decision<String> d = TitForTat.decide(List.of(new Candidate<>("a", false, 1)), 4, null, true, new Random(1));
        assertThat(d.unchoke()).isEmpty();
        assertThat(d.optimistic()).isNull();
    }
}
