package io.btspeed.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RoundGainsTest {
    private static int[] slot(RoundGains g, int peer) {
        return Arrays.copyOfRange(g.slots, peer * RoundGains.SLOT, (peer + 1) * RoundGains.SLOT);
    }

    @Test
    void aSlotKeepsWhereTheGainsStartTheirCountAndAsManyAsFit() {
        RoundGains g = new RoundGains(3);
        int[] log = new int[40];
        for (int i = 0; i < log.length; i++) log[i] = 100 + i;
        g.start(1, 5, false);
        g.gained(1, log, 5, 3);
        assertThat(slot(g, 1)).startsWith(5, 3, 105, 106, 107);
        // more than a slot holds: the count is exact, the slot keeps the first ones, readers go to the log
        g.start(2, 10, false);
        g.gained(2, log, 10, RoundGains.KEPT + 6);
        int[] s = slot(g, 2);
        assertThat(s[RoundGains.FROM]).isEqualTo(10);
        assertThat(s[RoundGains.COUNT]).isEqualTo(RoundGains.KEPT + 6);
        assertThat(Arrays.copyOfRange(s, RoundGains.PIECES, RoundGains.SLOT)).isEqualTo(Arrays.copyOfRange(log, 10, 10 + RoundGains.KEPT));
        // the next round starts with none, where the log now ends; the neighbours' slots are untouched
        g.start(1, 8, false);
        assertThat(slot(g, 1)).startsWith(8, 0);
        assertThat(slot(g, 0)).containsOnly(0);
        assertThat(slot(g, 2)[RoundGains.COUNT]).isEqualTo(RoundGains.KEPT + 6);
        assertThat(slot(g, 1)[RoundGains.DONE]).as("not done").isZero();
    }

    @Test
    void aPeerWithEveryPieceSaysSoInItsEmptySlot() {
        RoundGains g = new RoundGains(2);
        int[] log = {7, 8, 9, -1};
        g.start(1, 0, false);
        g.gained(1, log, 0, 3); // it gains its last pieces this round
        assertThat(slot(g, 1)).startsWith(0, 3, 7, 8, 9);
        g.start(1, 3, true);
        assertThat(slot(g, 1)).startsWith(3, 0, 1);
        g.start(0, 0, false);
        assertThat(slot(g, 0)[RoundGains.DONE]).isZero();
    }
}
