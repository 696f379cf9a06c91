package io.btspeed.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import io.btspeed.protocol.metainfo.InfoHash;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SwarmRegistryTest {
    static final InfoHash A = hash(1), B = hash(2);
    final TrackerConfig config = TrackerConfig.defaults().withInterval(Duration.ofSeconds(100)).withMinInterval(Duration.ofSeconds(10));
    final SwarmRegistry reg = new SwarmRegistry(config, new Random(7));

    static InfoHash hash(int n) {
        byte[] b = new byte[20];
        Arrays.fill(b, (byte) n);
        return new InfoHash(b);
    }

    static byte[] id(int n) {
        byte[] b = new byte[20];
        Arrays.fill(b, (byte) n);
        return b;
    }

    static InetAddress ip(String s) {
        return InetAddress.ofLiteral(s);
    }

    static AnnounceRequest req(InfoHash h, int n, long left, AnnounceEvent e) {
        return new AnnounceRequest(h, id(n), ip("10.0.0." + n), 6000 + n, 0, 0, left, e, -1);
    }

    static AnnounceResult.Accepted ok(AnnounceResult r) {
        assertThat(r).isInstanceOf(AnnounceResult.Accepted.class);
        return (AnnounceResult.Accepted) r;
    }

    @Test
    void peersSeeEachOtherButNeverThemselves() {
        assertThat(ok(reg.announce(req(A, 1, 0, AnnounceEvent.STARTED), 0, 0)).peers()).isEmpty();
        var second = ok(reg.announce(req(A, 2, 500, AnnounceEvent.STARTED), 1, 0));
        assertThat(second.peers()).extracting(PeerEntry::toString).containsExactly("10.0.0.1:6001");
        assertThat(second.seeders()).isEqualTo(1);
        assertThat(second.leechers()).isEqualTo(1);
        assertThat(second.interval()).isEqualTo(100);
        assertThat(second.minInterval()).isEqualTo(10);
        var first = ok(reg.announce(req(A, 1, 0, AnnounceEvent.NONE), 2, 0));
        assertThat(first.peers()).extracting(PeerEntry::toString).containsExactly("10.0.0.2:6002");
        assertThat(first.peers().getFirst().peerId()).isEqualTo(id(2));
        // another swarm is separate
        assertThat(ok(reg.announce(req(B, 3, 5, AnnounceEvent.STARTED), 3, 0)).peers()).isEmpty();
    }

    @Test
    void seedersAreOnlyGivenLeechers() {
        reg.announce(req(A, 1, 0, AnnounceEvent.STARTED), 0, 0);
        reg.announce(req(A, 2, 0, AnnounceEvent.STARTED), 0, 0);
        reg.announce(req(A, 3, 9, AnnounceEvent.STARTED), 0, 0);
        var seeder = ok(reg.announce(req(A, 1, 0, AnnounceEvent.NONE), 1, 0));
        assertThat(seeder.peers()).extracting(PeerEntry::toString).containsExactly("10.0.0.3:6003");
        var leecher = ok(reg.announce(req(A, 3, 9, AnnounceEvent.NONE), 1, 0));
        assertThat(leecher.peers()).extracting(PeerEntry::toString).containsExactlyInAnyOrder("10.0.0.1:6001", "10.0.0.2:6002");
    }

    @Test
    void completedCountsOnceAndTurnsTheLeecherIntoASeeder() {
        reg.announce(req(A, 1, 100, AnnounceEvent.STARTED), 0, 0);
        assertThat(reg.scrape(A)).isEqualTo(new ScrapeEntry(0, 0, 1));
        reg.announce(req(A, 1, 0, AnnounceEvent.COMPLETED), 1, 0);
        reg.announce(req(A, 1, 0, AnnounceEvent.COMPLETED), 2, 0); // a repeated event is not a second download
        assertThat(reg.scrape(A)).isEqualTo(new ScrapeEntry(1, 1, 0));
        reg.announce(req(A, 1, 0, AnnounceEvent.STOPPED), 3, 0);
        assertThat(reg.scrape(A)).isEqualTo(new ScrapeEntry(0, 1, 0));
        assertThat(reg.scrape(B)).isEqualTo(ScrapeEntry.EMPTY);
    }

    @Test
    void aDownloadThatBeatItsFirstAnnounceIsCountedOnce() {
        // peers from LSD or the DHT: the download finished before the started announce, which says left=0
        reg.announce(req(A, 1, 0, AnnounceEvent.STARTED), 0, 0);
        reg.announce(req(A, 1, 0, AnnounceEvent.COMPLETED), 1, 0);
        reg.announce(req(A, 1, 0, AnnounceEvent.COMPLETED), 2, 0);
        assertThat(reg.scrape(A)).isEqualTo(new ScrapeEntry(1, 1, 0));
    }

    @Test
    void stoppedRemovesThePeerAndCreatesNothingForUnknownSwarms() {
        reg.announce(req(A, 1, 0, AnnounceEvent.STARTED), 0, 0);
        reg.announce(req(A, 1, 0, AnnounceEvent.STOPPED), 1, 0);
        assertThat(ok(reg.announce(req(A, 2, 7, AnnounceEvent.STARTED), 2, 0)).peers()).isEmpty();
        reg.announce(req(B, 3, 0, AnnounceEvent.STOPPED), 3, 0);
        assertThat(reg.stats().torrents()).isEqualTo(1);
    }

    @Test
    void silentPeersExpireAfterTwoIntervals() {
        long timeout = config.peerTimeoutMillis();
        assertThat(timeout).isGreaterThanOrEqualTo(200_000);
        reg.announce(req(A, 1, 0, AnnounceEvent.STARTED), 0, 0);
        reg.announce(req(A, 2, 5, AnnounceEvent.STARTED), timeout, 0);
        // peer 1 is exactly at the limit: still handed out
        assertThat(ok(reg.announce(req(A, 2, 5, AnnounceEvent.NONE), timeout, 0)).peers()).hasSize(1);
        // one millisecond later it is stale: not handed out even before the sweep
        assertThat(ok(reg.announce(req(A, 2, 5, AnnounceEvent.NONE), timeout + 1, 0)).peers()).isEmpty();
        assertThat(reg.expire(timeout + 1)).isEqualTo(1);
        assertThat(reg.stats()).isEqualTo(new RegistryStats(1, 1, 0, 1, 0));
        assertThat(reg.expire(2 * timeout + 2)).isEqualTo(1);
        assertThat(reg.stats().torrents()).as("empty swarm without downloads is dropped").isZero();
    }

    @Test
    void capsBoundStoredPeersRepliesAndSwarms() {
        SwarmRegistry small = new SwarmRegistry(config.withLimits(2, 3, 2, 4), new Random(1));
        for (int n = 1; n <= 10; n++) small.announce(req(A, n, 1, AnnounceEvent.STARTED), 0, 0);
        assertThat(small.stats().peers()).isEqualTo(3);
        // peer 10 was not stored but still gets peers: default numwant 2
        assertThat(ok(small.announce(req(A, 10, 1, AnnounceEvent.NONE), 0, 0)).peers()).hasSize(2);
        var many = new AnnounceRequest(A, id(11), ip("10.0.0.11"), 1, 0, 0, 1, AnnounceEvent.NONE, 1000);
        assertThat(ok(small.announce(many, 0, 0)).peers()).hasSize(3); // capped at what exists (max 4)
        small.announce(req(B, 1, 1, AnnounceEvent.STARTED), 0, 0);
        AnnounceResult third = small.announce(req(hash(3), 1, 1, AnnounceEvent.STARTED), 0, 0);
        assertThat(third).isInstanceOf(AnnounceResult.Refused.class);
        assertThat(((AnnounceResult.Refused) third).reason()).contains("full");
        var capped = new AnnounceRequest(A, id(12), ip("10.0.0.12"), 1, 0, 0, 1, AnnounceEvent.NONE, 1000);
        SwarmRegistry big = new SwarmRegistry(config.withLimits(10, 1000, 2, 4), new Random(1));
        for (int n = 1; n <= 20; n++) big.announce(req(A, n, 1, AnnounceEvent.STARTED), 0, 0);
        assertThat(ok(big.announce(capped, 0, 0)).peers()).hasSize(4);
    }

    @Test
    void allowListRefusesOtherInfoHashes() {
        SwarmRegistry priv = new SwarmRegistry(config.withAllowList(AllowList.of(Set.of(A))), new Random(1));
        assertThat(priv.announce(req(A, 1, 0, AnnounceEvent.STARTED), 0, 0)).isInstanceOf(AnnounceResult.Accepted.class);
        AnnounceResult r = priv.announce(req(B, 1, 0, AnnounceEvent.STARTED), 0, 0);
        assertThat(((AnnounceResult.Refused) r).reason()).contains(B.hex()).contains("not tracked");
        assertThat(priv.tracks(B)).isFalse();
        assertThat(priv.stats().torrents()).isEqualTo(1);
    }

    @Test
    void familyFilterKeepsUdpRepliesToOneAddressFamily() {
        reg.announce(new AnnounceRequest(A, id(1), ip("::1"), 7001, 0, 0, 0, AnnounceEvent.STARTED, -1), 0, 0);
        reg.announce(new AnnounceRequest(A, id(2), ip("127.0.0.1"), 7002, 0, 0, 0, AnnounceEvent.STARTED, -1), 0, 0);
        AnnounceRequest me = new AnnounceRequest(A, id(3), ip("127.0.0.2"), 7003, 0, 0, 5, AnnounceEvent.STARTED, -1);
        assertThat(ok(reg.announce(me, 0, SwarmRegistry.IPV4)).peers()).extracting(PeerEntry::toString).containsExactly("127.0.0.1:7002");
        assertThat(ok(reg.announce(me, 0, SwarmRegistry.IPV6)).peers()).extracting(p -> p.address().getHostAddress())
                .containsExactly("0:0:0:0:0:0:0:1");
        assertThat(ok(reg.announce(me, 0, SwarmRegistry.ANY_FAMILY)).peers()).hasSize(2);
    }

    @Test
    void samePeerAddressWithNewPeerIdReplacesTheOldEntry() {
        reg.announce(req(A, 1, 0, AnnounceEvent.STARTED), 0, 0);
        reg.announce(new AnnounceRequest(A, id(99), ip("10.0.0.1"), 6001, 0, 0, 0, AnnounceEvent.STARTED, -1), 1, 0);
        var r = ok(reg.announce(req(A, 2, 5, AnnounceEvent.STARTED), 2, 0));
        assertThat(r.peers()).hasSize(1);
        assertThat(r.peers().getFirst().peerId()).isEqualTo(id(99));
    }

    @Test
    void invalidRequestsAreRejectedAtConstruction() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> new AnnounceRequest(A, new byte[19], ip("1.2.3.4"), 1, 0, 0, 0, null, -1))
                .isInstanceOf(TrackerRequestException.class).hasMessageContaining("peer_id");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new AnnounceRequest(A, id(1), ip("1.2.3.4"), 0, 0, 0, 0, null, -1))
                .hasMessageContaining("port");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new AnnounceRequest(A, id(1), ip("1.2.3.4"), 70000, 0, 0, 0, null, -1))
                .hasMessageContaining("port");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new AnnounceRequest(A, id(1), ip("1.2.3.4"), 1, -1, 0, 0, null, -1))
                .hasMessageContaining("negative");
        assertThat(List.of(AnnounceEvent.values())).hasSize(4);
    }

    @Test
    void allowListFileFormat() {
        AllowList l = AllowList.parse(List.of("# private", "", A.hex().toUpperCase() + "  some name", "  " + B.hex()));
        assertThat(l.size()).isEqualTo(2);
        assertThat(l.allows(A)).isTrue();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> AllowList.parse(List.of("nothex")))
                .hasMessageContaining("line 1");
    }
}
