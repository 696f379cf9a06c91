package io.btspeed.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.btspeed.core.choke.Choker;
import io.btspeed.core.choke.TitForTatPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DueTurnsTest {
    static final long S = 1_000_000_000L;

    /** {@code n} peers in rank order, each with a fresh choker (10 s interval). */
    static SimPeer[] peers(int n) {
        Scenario s = ScenarioLoader.parse("""
                name: t
                pieces: 10
                pieceSize: 16384
                groups:
                  - {name: p, count: %d, kind: plain, uploadKiBps: 100}
                """.formatted(n), true, "t.yaml");
        SimPeer[] byRank = new SimPeer[n];
        for (int i = 0; i < n; i++) {
            byRank[i] = new SimPeer(i, 0, s.groups().getFirst(), 10);
            byRank[i].rank = i;
            byRank[i].choker = new Choker(new TitForTatPolicy(new Random(i)), 10 * S);
        }
        return byRank;
    }

    /** Every peer arrived and ran a round at 0 s: none is due before 10 s. */
    static void roundsAtZero(SimPeer[] p, DueTurns due) {
        for (SimPeer x : p) {
            due.arrived(x);
            x.choker.forceRound(0, List.of(), false, 4);
            due.decided(x);
        }
    }

    static List<Integer> takeAll(DueTurns due) {
        List<Integer> out = new ArrayList<>();
        for (int r = due.take(0); r >= 0; r = due.take(r + 1)) out.add(r);
        return out;
    }

    @Test
    void newcomersAreDueAtOnceThenWhenTheirIntervalRunsOut() {
        SimPeer[] p = peers(130);
        DueTurns due = new DueTurns(p, 2);
        for (SimPeer x : p) due.arrived(x);
        due.collect(0);
        assertThat(takeAll(due)).hasSize(130).isSorted();
        // ranks 5 and 129 run a round at 0 s and 3 s: due at 10 s and 13 s, no one else is
        p[5].choker.forceRound(0, List.of(), false, 4);
        p[129].choker.forceRound(3 * S, List.of(), false, 4);
        for (SimPeer x : p) if (x.rank != 5 && x.rank != 129) x.choker.forceRound(20 * S, List.of(), false, 4);
        for (SimPeer x : p) due.decided(x);
        due.collect(9 * S);
        assertThat(takeAll(due)).isEmpty();
        due.collect(10 * S);
        assertThat(takeAll(due)).containsExactly(5);
        due.collect(13 * S);
        assertThat(takeAll(due)).as("5 still due: it ran no round since").containsExactly(5, 129);
        due.departed(p[5]);
        due.collect(14 * S);
        assertThat(takeAll(due)).containsExactly(129);
    }

    @Test
    void marksFromEveryThreadAreVisitedOnceInRankOrder() {
        SimPeer[] p = peers(200);
        DueTurns due = new DueTurns(p, 2);
        roundsAtZero(p, due);
        due.mark(p[150], 1);
        due.mark(p[3], 0);
        due.mark(p[64], 1);
        due.mark(p[3], 1);
        due.collect(S);
        assertThat(due.marked(p[150])).isTrue();
        assertThat(takeAll(due)).containsExactly(3, 64, 150);
        assertThat(takeAll(due)).as("a visit clears the mark").isEmpty();
    }

    @Test
    void aMarkAheadOfTheVisitIsTakenNowOneBehindWaitsForTheNextStep() {
        SimPeer[] p = peers(100);
        DueTurns due = new DueTurns(p, 1);
        roundsAtZero(p, due);
        due.mark(p[10], 0);
        due.mark(p[50], 0);
        due.collect(S);
        assertThat(due.take(0)).isEqualTo(10);
        due.mark(p[80], 0); // ahead: this step
        due.mark(p[2], 0); // behind: the next one
        due.mark(p[10], 0); // the peer being visited marked again: the next step
        assertThat(due.take(11)).isEqualTo(50);
        assertThat(due.take(51)).isEqualTo(80);
        assertThat(due.take(81)).isEqualTo(-1);
        due.collect(2 * S);
        assertThat(takeAll(due)).containsExactly(2, 10);
    }

    @Test
    void aNewlyInterestedPeerIsFlaggedAndMarkedAPlainPeerTouchedIsNot() {
        SimPeer[] p = peers(3);
        DueTurns due = new DueTurns(p, 2);
        due.marketTouched(p[0]); // no market policy: it never wants an early round
        due.interested(p[1], 1);
        assertThat(due.marked(p[0])).isFalse();
        assertThat(p[1].newlyInterested).isTrue();
        due.collect(0);
        assertThat(due.marked(p[1])).isTrue();
    }
}
