package io.btspeed.dht.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.btspeed.protocol.metainfo.InfoHash;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.HashSet;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PeerStoreTest {
    static InfoHash ih(int n) {
        byte[] b = new byte[20];
        Arrays.fill(b, (byte) n);
        return new InfoHash(b);
    }

    static InetSocketAddress peer(int n) {
        return new InetSocketAddress(InetAddress.ofLiteral("10.0." + (n >> 8) + "." + (n & 0xff)), 6881);
    }

    final SplittableRandom rnd = new SplittableRandom(5);

    @Test
    void peersExpireAfterTheirTtlAndReannounceRenews() {
        PeerStore s = new PeerStore(1000, 10, 10);
        s.add(ih(1), peer(1), 0);
        s.add(ih(1), peer(2), 0);
        s.add(ih(1), peer(2), 800); // renewed
        assertThat(s.peers(ih(1), 10, 999, rnd)).containsExactlyInAnyOrder(peer(1), peer(2));
        assertThat(s.peers(ih(1), 10, 1000, rnd)).containsExactly(peer(2));
        assertThat(s.peerCount()).isEqualTo(1);
        s.expire(1800);
        assertThat(s.torrentCount()).isZero();
        assertThat(s.peerCount()).isZero();
    }

    @Test
    void perTorrentCapDropsTheOldestAnnounce() {
        PeerStore s = new PeerStore(1000, 10, 3);
        for (int i = 1; i <= 5; i++) s.add(ih(1), peer(i), i);
        assertThat(s.peers(ih(1), 10, 10, rnd)).containsExactlyInAnyOrder(peer(3), peer(4), peer(5));
        assertThat(s.peerCount()).isEqualTo(3);
    }

    @Test
    void torrentCapRefusesNewTorrentsUntilOldOnesExpire() {
        PeerStore s = new PeerStore(1000, 2, 3);
        assertThat(s.add(ih(1), peer(1), 0)).isTrue();
        assertThat(s.add(ih(2), peer(1), 0)).isTrue();
        assertThat(s.add(ih(3), peer(1), 10)).isFalse();
        assertThat(s.add(ih(3), peer(1), 1000)).isTrue(); // the first two expired
    }

    @Test
    void manyPeersAreSampledWithoutDuplicates() {
        PeerStore s = PeerStore.defaults();
        for (int i = 0; i < 500; i++) s.add(ih(1), peer(i), 0);
        var sample = s.peers(ih(1), 100, 1, rnd);
        assertThat(sample).hasSize(100);
        assertThat(new HashSet<>(sample)).hasSize(100);
    }
}
