package io.btspeed.engine;

import io.btspeed.protocol.metainfo.Metainfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Behaviour that needs more than two peers, or a torrent that is stopped and started again. */
class SwarmTest {
    @TempDir
    Path tmp;

    private static InetSocketAddress local(Session s) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), s.listenPort());
    }

    @Test
    @Timeout(60)
    void peerExchangeIntroducesTheSeederToALateComer() throws Exception {
        Path seedDir = tmp.resolve("a");
        Metainfo m = TestTorrents.singleFile(seedDir, "pex.bin", 2_000_000, 32 * 1024, 41);
        // a uploads slowly so b is still a leecher (still connected to a) when c arrives.
        try (Session a = Session.start(SessionConfig.defaults().withRateLimits(256 << 10, 0));
             Session b = Session.start(SessionConfig.defaults());
             Session c = Session.start(SessionConfig.defaults())) {
            a.add(AddTorrentParams.of(m, seedDir).withTrackers(false)).completion().get(20, TimeUnit.SECONDS);
            TorrentHandle tb = b.add(AddTorrentParams.of(m, tmp.resolve("b")).withTrackers(false).withPeers(List.of(local(a))));
            while (tb.status().totalDownloaded() == 0) Thread.sleep(20);
            TorrentHandle tc = c.add(AddTorrentParams.of(m, tmp.resolve("c")).withTrackers(false).withPeers(List.of(local(b))));
            // c was only told about b; b's PEX message must introduce a, and c must connect to it.
            io.btspeed.engine.torrent.Torrent ct = (io.btspeed.engine.torrent.Torrent) tc;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (!ct.connectedPeers().contains(local(a)) && System.nanoTime() < deadline) Thread.sleep(50);
            io.btspeed.engine.torrent.Torrent bt = (io.btspeed.engine.torrent.Torrent) tb;
            String seen = "b connected to " + bt.connectedPeers() + ", b status " + tb.status() + "; c connected to "
                    + ct.connectedPeers() + ", c status " + tc.status();
            assertThat(ct.knownAddresses()).as(seen).contains(local(a));
            assertThat(ct.connectedPeers()).as(seen).contains(local(a));
            a.setRateLimits(0, 0);
            tc.completion().get(40, TimeUnit.SECONDS);
            tb.completion().get(40, TimeUnit.SECONDS);
        }
        TestTorrents.assertSameTree(seedDir, tmp.resolve("c"));
    }

    @Test
    @Timeout(60)
    void peersThatDialEachOtherAtOnceKeepOneConnection() throws Exception {
        Path seedDir = tmp.resolve("s");
        Metainfo m = TestTorrents.singleFile(seedDir, "both.bin", 1_000_000, 32 * 1024, 47);
        for (int round = 0; round < 3; round++) {
            // the seed uploads slowly, so the pair stays seed + leecher (two seeds would part) while we watch
            try (Session x = Session.start(SessionConfig.defaults().withRateLimits(64 << 10, 0));
                 Session y = Session.start(SessionConfig.defaults())) {
                io.btspeed.engine.torrent.Torrent tx = (io.btspeed.engine.torrent.Torrent)
                        x.add(AddTorrentParams.of(m, seedDir).withTrackers(false));
                tx.completion().get(20, TimeUnit.SECONDS);
                io.btspeed.engine.torrent.Torrent ty = (io.btspeed.engine.torrent.Torrent)
                        y.add(AddTorrentParams.of(m, tmp.resolve("y" + round)).withTrackers(false));
                while (ty.status().state() == TorrentState.CHECKING) Thread.sleep(10);
                tx.learn(local(y));
                ty.learn(local(x));
                // both dial at the same moment, as two peers do that learn of each other from one PEX message
                java.util.concurrent.CyclicBarrier go = new java.util.concurrent.CyclicBarrier(2);
                Thread other = Thread.ofVirtual().start(() -> {
                    try {
                        go.await();
                        tx.connectMore();
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                go.await();
                ty.connectMore();
                other.join();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while ((tx.status().peers() != 1 || ty.status().peers() != 1) && System.nanoTime() < deadline) Thread.sleep(20);
                Thread.sleep(1500); // a connection both sides dropped would be gone by now
                assertThat(tx.status().peers()).as("round " + round + ": the seed's connections").isEqualTo(1);
                assertThat(ty.status().peers()).as("round " + round + ": the leecher's connections").isEqualTo(1);
                assertThat(ty.status().totalDownloaded()).isPositive();
            }
        }
    }

    @Test
    @Timeout(60)
    void pauseDisconnectsAndResumeFinishes() throws Exception {
        Path seedDir = tmp.resolve("seed");
        Metainfo m = TestTorrents.singleFile(seedDir, "p.bin", 4_000_000, 64 * 1024, 43);
        try (Session seeder = Session.start(SessionConfig.defaults().withRateLimits(1 << 20, 0));
             Session leecher = Session.start(SessionConfig.defaults())) {
            seeder.add(AddTorrentParams.of(m, seedDir).withTrackers(false)).completion().get(20, TimeUnit.SECONDS);
            TorrentHandle t = leecher.add(AddTorrentParams.of(m, tmp.resolve("l")).withTrackers(false).withPeers(List.of(local(seeder))));
            while (t.status().totalDownloaded() == 0) Thread.sleep(20);
            t.pause();
            assertThat(t.status().state()).isEqualTo(TorrentState.PAUSED);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (t.status().peers() > 0 && System.nanoTime() < deadline) Thread.sleep(20);
            assertThat(t.status().peers()).isZero();
            seeder.setRateLimits(0, 0);
            t.resume();
            t.completion().get(40, TimeUnit.SECONDS);
            assertThat(t.status().state()).isEqualTo(TorrentState.SEEDING);
        }
        TestTorrents.assertSameTree(seedDir, tmp.resolve("l"));
    }

    @Test
    @Timeout(30)
    void maxPeersRefusesTheConnectionBeyondTheLimit() throws Exception {
        Path seedDir = tmp.resolve("seed");
        Metainfo m = TestTorrents.singleFile(seedDir, "m.bin", 100_000, 16 * 1024, 45);
        try (Session seeder = Session.start(SessionConfig.defaults().withMaxPeersPerTorrent(1))) {
            seeder.add(AddTorrentParams.of(m, seedDir).withTrackers(false)).completion().get(20, TimeUnit.SECONDS);
            try (RawPeer first = RawPeer.connect(seeder.listenPort())) {
                first.sendHandshake(m.infoHash(), true);
                assertThat(first.readHandshake().infoHash()).isEqualTo(m.infoHash());
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (seeder.torrents().getFirst().status().peers() == 0 && System.nanoTime() < deadline) Thread.sleep(10);
                try (RawPeer second = new RawPeer(new java.net.Socket(InetAddress.getLoopbackAddress(), seeder.listenPort()))) {
                    second.send(new io.btspeed.protocol.wire.Handshake(io.btspeed.protocol.wire.Handshake.reserved(true, true, false),
                            m.infoHash(), "-XX0000-second-peer!".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).encode());
                    assertThat(second.bytesBeforeClose()).isZero();
                }
                assertThat(seeder.torrents().getFirst().status().peers()).isEqualTo(1);
            }
        }
    }

    @Test
    @Timeout(30)
    void dialedPeerAnsweringWithAnotherInfoHashIsDropped() throws Exception {
        Path seedDir = tmp.resolve("seed");
        Metainfo m = TestTorrents.singleFile(seedDir, "w.bin", 100_000, 16 * 1024, 47);
        try (java.net.ServerSocket impostor = new java.net.ServerSocket(0, 5, InetAddress.getLoopbackAddress());
             Session leecher = Session.start(SessionConfig.defaults())) {
            TorrentHandle t = leecher.add(AddTorrentParams.of(m, tmp.resolve("l")).withTrackers(false)
                    .withPeers(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), impostor.getLocalPort()))));
            impostor.setSoTimeout(10_000);
            try (RawPeer p = new RawPeer(impostor.accept())) {
                p.readHandshake();
                byte[] other = m.infoHash().bytes().clone();
                other[19] ^= 0x55;
                p.sendHandshake(new io.btspeed.protocol.metainfo.InfoHash(other), true);
                assertThat(p.bytesBeforeClose()).isZero();
            }
            assertThat(t.status().peers()).isZero();
        }
    }

    @Test
    @Timeout(90)
    void oneSeederSixLeechersWithTwoSlotsAllFinish() throws Exception {
        Path seedDir = tmp.resolve("seed");
        Metainfo m = TestTorrents.multiFile(seedDir, "swarm", new int[]{1_500_000, 700_001, 1}, 32 * 1024, 49);
        SessionConfig cfg = new SessionConfig(InetAddress.getLoopbackAddress(), 0, null, 0, 0, null, 50, true, 2);
        List<Session> sessions = new java.util.ArrayList<>();
        try {
            Session seeder = Session.start(cfg);
            sessions.add(seeder);
            seeder.add(AddTorrentParams.of(m, seedDir).withTrackers(false)).completion().get(20, TimeUnit.SECONDS);
            List<TorrentHandle> leechers = new java.util.ArrayList<>();
            for (int i = 0; i < 6; i++) {
                Session s = Session.start(cfg);
                sessions.add(s);
                // Each knows the seeder and the previous leecher; PEX spreads the rest.
                List<InetSocketAddress> peers = i == 0 ? List.of(local(seeder)) : List.of(local(seeder), local(sessions.get(i)));
                leechers.add(s.add(AddTorrentParams.of(m, tmp.resolve("l" + i)).withTrackers(false).withPeers(peers)));
            }
            for (TorrentHandle t : leechers) t.completion().get(60, TimeUnit.SECONDS);
            long uploadedByLeechers = 0;
            for (TorrentHandle t : leechers) uploadedByLeechers += t.status().totalUploaded();
            assertThat(uploadedByLeechers).as("leechers traded pieces among themselves").isPositive();
        } finally {
            for (Session s : sessions) s.close();
        }
        for (int i = 0; i < 6; i++) TestTorrents.assertSameTree(seedDir, tmp.resolve("l" + i));
    }
}
