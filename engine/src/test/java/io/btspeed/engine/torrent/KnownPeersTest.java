package io.btspeed.engine.torrent;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KnownPeersTest {
    private static final long S = 1_000_000_000L;
    private final InetSocketAddress user = new InetSocketAddress("127.0.0.1", 6881);
    private final InetSocketAddress learned = new InetSocketAddress("127.0.0.2", 6881);

    /** Dials whatever is due at {@code now} and lets every dial fail. */
    private static List<InetSocketAddress> failingRound(KnownPeers k, long now) {
        List<InetSocketAddress> dialed = k.chooseTargets(10, Set.of(), now, a -> false);
        dialed.forEach(k::dialFinished);
        return dialed;
    }

    @Test
    void aLearnedPeerIsGivenUpAfterThreeFailedDials() {
        KnownPeers k = new KnownPeers();
        k.learn(learned);
        int dials = 0;
        for (long t = 0; t < 3_600 * S; t += S) dials += failingRound(k, t).size();
        assertThat(dials).isEqualTo(3);
    }

    @Test
    void aUsersPeerIsDialedAgainAndAgainLessOftenButNeverGivenUp() {
        KnownPeers k = new KnownPeers();
        k.add(user);
        long last = -1;
        List<Long> gaps = new java.util.ArrayList<>();
        for (long t = 0; t < 3_600 * S; t += S) {
            if (!failingRound(k, t).isEmpty()) {
                if (last >= 0) gaps.add((t - last) / S);
                last = t;
            }
        }
        // 30 s for the usual three attempts, then 60, 120, 240 and at most 300 s
        assertThat(gaps.subList(0, 6)).containsExactly(30L, 30L, 30L, 60L, 120L, 240L);
        assertThat(gaps.subList(6, gaps.size())).isNotEmpty().allMatch(g -> g == 300L);
        assertThat(last).as("still dialed in the last five minutes of the hour").isGreaterThan(3_300 * S);
    }

    @Test
    void aConnectionResetsTheWait() {
        KnownPeers k = new KnownPeers();
        k.add(user);
        for (long t = 0; t <= 200 * S; t += S) failingRound(k, t); // five failures: next wait 240 s
        k.connected(user);
        k.disconnected(user, 201 * S);
        assertThat(failingRound(k, 230 * S)).isEmpty();
        assertThat(failingRound(k, 231 * S)).containsExactly(user);
        assertThat(failingRound(k, 261 * S)).containsExactly(user);
    }
}
