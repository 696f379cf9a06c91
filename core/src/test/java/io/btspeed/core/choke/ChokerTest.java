package io.btspeed.core.choke;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ChokerTest {
    static final long S = 1_000_000_000L;

    static PeerStats peer(int key, boolean interested, double down, double up) {
        return new PeerStats(key, interested, true, down, up, false, false, 0, false);
    }

    @Test
    void leechingUnchokesFastestUploadersToUsPlusOneOptimistic() {
        List<PeerStats> peers = List.of(peer(1, true, 100, 0), peer(2, true, 500, 0), peer(3, true, 300, 0),
                peer(4, false, 9999, 0), peer(5, true, 10, 0), peer(6, true, 200, 0));
        UnchokeDecision d = new TitForTatPolicy(new Random(1)).decide(peers, new ChokeContext(0, false, 4, 0));
        assertThat(d.unchoked()).hasSize(4).contains(2, 3, 6).doesNotContain(4);
        assertThat(d.optimistic()).isIn(1, 5);
        assertThat(d.paid()).isEmpty();
    }

    @Test
    void nextRoundAtIsWhenTheIntervalRunsOut() {
        Choker c = new Choker(new TitForTatPolicy(new Random(1)), 10 * S);
        List<PeerStats> peers = List.of(peer(1, true, 100, 0));
        assertThat(c.nextRoundAt()).isEqualTo(Long.MIN_VALUE);
        assertThat(c.roundDue(0)).isTrue();
        c.tick(3 * S, peers, false, 4).orElseThrow();
        assertThat(c.nextRoundAt()).isEqualTo(13 * S);
        assertThat(c.roundDue(13 * S - 1)).isFalse();
        assertThat(c.roundDue(13 * S)).isTrue();
        assertThat(c.tick(5 * S, peers, false, 4)).isEmpty();
        assertThat(c.nextRoundAt()).as("no round, no change").isEqualTo(13 * S);
        c.forceRound(7 * S, peers, false, 4); // a forced round restarts the interval
        assertThat(c.nextRoundAt()).isEqualTo(17 * S);
    }

    @Test
    void seedingRanksByUploadRate() {
        List<PeerStats> peers = List.of(peer(1, true, 0, 10), peer(2, true, 0, 900), peer(3, true, 0, 800), peer(4, true, 0, 1));
        UnchokeDecision d = new TitForTatPolicy(new Random(1)).decide(peers, new ChokeContext(0, true, 3, 0));
        assertThat(d.unchoked()).contains(2, 3).hasSize(3);
        assertThat(d.optimistic()).isIn(1, 4);
    }

    @Test
    void optimisticRotatesAfter30sPreferringUntried() {
        List<PeerStats> peers = new ArrayList<>();
        peers.add(peer(1, true, 1000, 0));
        for (int k = 2; k <= 6; k++) peers.add(peer(k, true, 0, 0));
        Choker c = new Choker(new TitForTatPolicy(new Random(4)));
        Set<Integer> seen = new HashSet<>();
        int prev = -1;
        long t = 0;
        for (int round = 0; round < 15; round++, t += 10 * S) {
            UnchokeDecision d = c.tick(t, peers, false, 2).orElseThrow();
            assertThat(d.unchoked()).contains(1).hasSize(2);
            if (round % 3 == 0) {
                assertThat(d.optimistic()).as("rotates at round %d", round).isNotEqualTo(prev);
                if (round < 15) assertThat(seen.add(d.optimistic())).as("untried first").isTrue();
            } else {
                assertThat(d.optimistic()).as("kept for 30 s").isEqualTo(prev);
            }
            prev = d.optimistic();
        }
        assertThat(seen).containsExactlyInAnyOrder(2, 3, 4, 5, 6);
    }

    @Test
    void roundsEveryTenSeconds() {
        Choker c = new Choker(new TitForTatPolicy(new Random(1)));
        List<PeerStats> peers = List.of(peer(1, true, 1, 1));
        assertThat(c.tick(0, peers, false, 4)).isPresent();
        assertThat(c.tick(9 * S, peers, false, 4)).isEmpty();
        assertThat(c.tick(10 * S, peers, false, 4)).isPresent();
        assertThat(c.round()).isEqualTo(2);
    }

    @Test
    void nobodyInterestedMeansNoSlots() {
        UnchokeDecision d = new TitForTatPolicy(new Random(1)).decide(List.of(peer(1, false, 5, 5)), new ChokeContext(0, false, 4, 0));
        assertThat(d.unchoked()).isEmpty();
        assertThat(d.optimistic()).isEqualTo(-1);
    }
}
