package io.btspeed.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.btspeed.protocol.metainfo.Metainfo;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** BEP 5 on the peer wire: the handshake's DHT bit and the PORT message, between two real sessions. */
class DhtPortTest {
    @TempDir
    Path tmp;

    private static InetSocketAddress local(Session s) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), s.listenPort());
    }

    @Test
    @Timeout(60)
    void sessionsWithADhtNodeTellEachOtherItsPort() throws Exception {
        Path seedDir = tmp.resolve("seed"), leechDir = tmp.resolve("leech");
        Metainfo m = TestTorrents.singleFile(seedDir, "data.bin", 512 * 1024 + 3, 64 * 1024, 5);
        List<InetSocketAddress> seederHeard = new CopyOnWriteArrayList<>(), leecherHeard = new CopyOnWriteArrayList<>();
        try (Session seeder = Session.start(SessionConfig.defaults());
             Session leecher = Session.start(SessionConfig.defaults())) {
            seeder.attachDht(40001, seederHeard::add);
            leecher.attachDht(40002, leecherHeard::add);
            seeder.add(AddTorrentParams.of(m, seedDir).withTrackers(false)).completion().get(30, TimeUnit.SECONDS);
            leecher.add(AddTorrentParams.of(m, leechDir).withTrackers(false).withPeers(List.of(local(seeder))))
                    .completion().get(30, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while ((seederHeard.isEmpty() || leecherHeard.isEmpty()) && System.nanoTime() < deadline) Thread.sleep(20);
            // each side's DHT address is the peer's IP with the port its PORT message named
            assertThat(seederHeard).containsExactly(new InetSocketAddress(InetAddress.getLoopbackAddress(), 40002));
            assertThat(leecherHeard).containsExactly(new InetSocketAddress(InetAddress.getLoopbackAddress(), 40001));
        }
        TestTorrents.assertSameTree(seedDir, leechDir);
    }

    @Test
    @Timeout(60)
    void withoutADhtNodeTheBitStaysClearAndNoPortIsSent() throws Exception {
        Path seedDir = tmp.resolve("seed"), leechDir = tmp.resolve("leech");
        Metainfo m = TestTorrents.singleFile(seedDir, "data.bin", 256 * 1024, 64 * 1024, 6);
        List<InetSocketAddress> seederHeard = new CopyOnWriteArrayList<>();
        try (Session seeder = Session.start(SessionConfig.defaults());
             Session leecher = Session.start(SessionConfig.defaults())) {
            seeder.attachDht(40003, seederHeard::add);
            seeder.add(AddTorrentParams.of(m, seedDir).withTrackers(false)).completion().get(30, TimeUnit.SECONDS);
            leecher.add(AddTorrentParams.of(m, leechDir).withTrackers(false).withPeers(List.of(local(seeder))))
                    .completion().get(30, TimeUnit.SECONDS);
            Thread.sleep(300); // a PORT would have come right after the handshake, before any piece
            assertThat(seederHeard).as("a peer without a DHT node sends no PORT").isEmpty();
        }
        TestTorrents.assertSameTree(seedDir, leechDir);
    }
}
