package io.btspeed.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.btspeed.core.choke.ChokeContext;
import io.btspeed.core.choke.PeerStats;
import io.btspeed.core.choke.SlotPolicy;
import io.btspeed.core.choke.UnchokeDecision;
import io.btspeed.engine.ext.PeerHandle;
import io.btspeed.engine.ext.TorrentExtension;
import io.btspeed.protocol.bencode.BBytes;
import io.btspeed.protocol.bencode.BDict;
import io.btspeed.protocol.bencode.BValue;
import io.btspeed.protocol.ext.ExtendedHandshake;
import io.btspeed.protocol.metainfo.Metainfo;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The BEP 10 extension hooks the market plugs into, between two real sessions over 127.0.0.1. */
class ExtensionHookTest {
    @TempDir
    Path tmp;

    /** Says "ping" to peers that speak it, answers "pong", and records what the torrent tells it. */
    static final class Echo implements TorrentExtension {
        final String side;
        final List<String> received = new CopyOnWriteArrayList<>();
        final List<String> handshakeEntries = new CopyOnWriteArrayList<>();
        final AtomicLong verifiedBytes = new AtomicLong();
        final Set<Integer> verifiedFrom = java.util.concurrent.ConcurrentHashMap.newKeySet();
        final AtomicLong queuedBytes = new AtomicLong();
        final List<Integer> closed = new CopyOnWriteArrayList<>();
        final List<Integer> complete = new CopyOnWriteArrayList<>();

        Echo(String side) {
            this.side = side;
        }

        @Override
        public String name() {
            return "x_echo";
        }

        @Override
        public BValue handshakeEntry() {
            return BDict.builder().put("side", side).build();
        }

        @Override
        public boolean marksMarketPeers() {
            return true;
        }

        @Override
        public void onHandshake(PeerHandle peer, ExtendedHandshake hs) {
            if (hs.raw().get("x_echo") instanceof BDict d) handshakeEntries.add(d.string("side"));
            if (peer.supports("x_echo")) peer.sendExtended("x_echo", "ping".getBytes(StandardCharsets.US_ASCII));
        }

        @Override
        public void onMessage(PeerHandle peer, byte[] payload) {
            String s = new String(payload, StandardCharsets.US_ASCII);
            received.add(s);
            if (s.equals("ping")) peer.sendExtended("x_echo", "pong".getBytes(StandardCharsets.US_ASCII));
        }

        @Override
        public void onPieceVerified(int piece, int size, Set<PeerHandle> from) {
            verifiedBytes.addAndGet(size);
            for (PeerHandle h : from) verifiedFrom.add(h.key());
        }

        @Override
        public void onBlockQueued(PeerHandle peer, int piece, int length) {
            queuedBytes.addAndGet(length);
        }

        @Override
        public void onPeerClosed(PeerHandle peer) {
            closed.add(peer.key());
        }

        @Override
        public void onPeerComplete(PeerHandle peer) {
            complete.add(peer.key());
        }
    }

    @Test
    @Timeout(60)
    void aPeerWithEveryPieceIsReportedCompleteOnce() throws Exception {
        Path seedDir = tmp.resolve("seed"), leechDir = tmp.resolve("leech");
        Metainfo m = TestTorrents.singleFile(seedDir, "data.bin", 3 * 1024 * 1024, 64 * 1024, 12);
        Echo leechExt = new Echo("leecher");
        // the seeder sends at 1 MiB/s, so the leecher's ticks see it connected for ~3 s
        try (Session seeder = Session.start(SessionConfig.defaults().withRateLimits(1 << 20, 0));
             Session leecher = Session.start(SessionConfig.defaults())) {
            seeder.add(AddTorrentParams.of(m, seedDir).withTrackers(false)).completion().get(30, TimeUnit.SECONDS);
            TorrentHandle l = leecher.add(AddTorrentParams.of(m, leechDir).withTrackers(false).withExtensions(List.of(leechExt))
                    .withPeers(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), seeder.listenPort()))));
            l.completion().get(40, TimeUnit.SECONDS);
            assertThat(leechExt.verifiedFrom).hasSize(1);
            assertThat(leechExt.complete).as("the seeder, once").containsExactlyElementsOf(leechExt.verifiedFrom);
        }
        TestTorrents.assertSameTree(seedDir, leechDir);
    }

    /** Records which peers the choker was told speak the market extension. */
    static final class Recording implements SlotPolicy {
        final Set<Integer> market = java.util.concurrent.ConcurrentHashMap.newKeySet();

        @Override
        public UnchokeDecision decide(List<PeerStats> peers, ChokeContext ctx) {
            Set<Integer> on = new HashSet<>();
            for (PeerStats p : peers) {
                if (p.supportsMarket()) market.add(p.key());
                if (p.interested()) on.add(p.key());
            }
            return new UnchokeDecision(on, -1, Set.of());
        }
    }

    @Test
    @Timeout(60)
    void extensionsExchangeMessagesAndHearAboutPiecesBlocksAndPeers() throws Exception {
        Path seedDir = tmp.resolve("seed"), leechDir = tmp.resolve("leech");
        Metainfo m = TestTorrents.singleFile(seedDir, "data.bin", 3 * 1024 * 1024 + 17, 64 * 1024, 11);
        Echo seedExt = new Echo("seeder"), leechExt = new Echo("leecher");
        Recording policy = new Recording();
        try (Session seeder = Session.start(SessionConfig.defaults());
             Session leecher = Session.start(SessionConfig.defaults())) {
            seeder.add(AddTorrentParams.of(m, seedDir).withTrackers(false).withSlotPolicy(policy).withExtensions(List.of(seedExt)))
                    .completion().get(30, TimeUnit.SECONDS);
            TorrentHandle l = leecher.add(AddTorrentParams.of(m, leechDir).withTrackers(false).withExtensions(List.of(leechExt))
                    .withPeers(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), seeder.listenPort()))));
            l.completion().get(40, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while ((seedExt.received.isEmpty() || leechExt.received.size() < 2) && System.nanoTime() < deadline) Thread.sleep(20);

            assertThat(seedExt.handshakeEntries).containsExactly("leecher");
            assertThat(leechExt.handshakeEntries).containsExactly("seeder");
            assertThat(seedExt.received).containsExactlyInAnyOrder("ping", "pong");
            assertThat(leechExt.received).containsExactlyInAnyOrder("ping", "pong");
            assertThat(leechExt.verifiedBytes.get()).as("every verified piece reported once").isEqualTo(m.totalLength());
            assertThat(leechExt.verifiedFrom).hasSize(1);
            assertThat(seedExt.queuedBytes.get()).isGreaterThanOrEqualTo(m.totalLength());
            assertThat(policy.market).as("the seeder's choker saw the leecher as a market peer").hasSize(1);
        }
        assertThat(seedExt.closed).hasSize(1);
        TestTorrents.assertSameTree(seedDir, leechDir);
    }

    /** Records, per verified piece, how many bytes each peer (by its port) sent, and which peers connected. */
    static final class Ledgerish implements TorrentExtension {
        final java.util.Map<Integer, java.util.Map<Integer, Long>> bytesByPiece = new java.util.concurrent.ConcurrentHashMap<>();
        final java.util.Map<Integer, Integer> portByKey = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public String name() {
            return "x_ledgerish";
        }

        @Override
        public void onPeerConnected(PeerHandle peer) {
            portByKey.put(peer.key(), peer.address().getPort());
        }

        @Override
        public void onPieceVerified(int piece, int size, java.util.Map<PeerHandle, Long> bytesByPeer) {
            java.util.Map<Integer, Long> byPort = new java.util.HashMap<>();
            for (var e : bytesByPeer.entrySet()) {
                assertThat(portByKey).as("a peer announced by onPeerConnected").containsKey(e.getKey().key());
                byPort.merge(e.getKey().address().getPort(), e.getValue(), Long::sum);
            }
            bytesByPiece.put(piece, byPort);
        }
    }

    /**
     * Two seeders that each hold one of the torrent's two files: every verified piece can only be made of the
     * bytes of the seeder that has it, so the attribution the extension hears is checkable exactly.
     */
    @Test
    @Timeout(60)
    void verifiedPiecesAreAttributedToThePeersThatSentTheirBytes() throws Exception {
        int pieceLength = 64 * 1024, perFile = 4;
        Path full = tmp.resolve("full"), dirA = tmp.resolve("a"), dirB = tmp.resolve("b"), leechDir = tmp.resolve("leech");
        Metainfo m = TestTorrents.multiFile(full, "two", new int[] {perFile * pieceLength, perFile * pieceLength}, pieceLength, 5);
        for (Path d : List.of(dirA, dirB)) java.nio.file.Files.createDirectories(d.resolve("two/sub0"));
        java.nio.file.Files.createDirectories(dirB.resolve("two/sub1"));
        java.nio.file.Files.copy(full.resolve("two/sub0/file0.bin"), dirA.resolve("two/sub0/file0.bin"));
        java.nio.file.Files.copy(full.resolve("two/sub1/file1.bin"), dirB.resolve("two/sub1/file1.bin"));
        Ledgerish ext = new Ledgerish();
        try (Session a = Session.start(SessionConfig.defaults());
             Session b = Session.start(SessionConfig.defaults());
             Session leecher = Session.start(SessionConfig.defaults())) {
            TorrentHandle ta = a.add(AddTorrentParams.of(m, dirA).withTrackers(false));
            TorrentHandle tb = b.add(AddTorrentParams.of(m, dirB).withTrackers(false));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while ((ta.status().state() == TorrentState.CHECKING || tb.status().state() == TorrentState.CHECKING)
                    && System.nanoTime() < deadline) Thread.sleep(20);
            assertThat(ta.status().wantedDoneBytes()).as("seeder a holds file 0 only").isEqualTo((long) perFile * pieceLength);
            assertThat(tb.status().wantedDoneBytes()).as("seeder b holds file 1 only").isEqualTo((long) perFile * pieceLength);
            InetAddress lo = InetAddress.getLoopbackAddress();
            TorrentHandle l = leecher.add(AddTorrentParams.of(m, leechDir).withTrackers(false).withExtensions(List.of(ext))
                    .withPeers(List.of(new InetSocketAddress(lo, a.listenPort()), new InetSocketAddress(lo, b.listenPort()))));
            l.completion().get(40, TimeUnit.SECONDS);
            assertThat(ext.bytesByPiece).hasSize(2 * perFile);
            for (int piece = 0; piece < 2 * perFile; piece++) {
                int port = piece < perFile ? a.listenPort() : b.listenPort();
                assertThat(ext.bytesByPiece.get(piece)).as("piece %d", piece).isEqualTo(java.util.Map.of(port, (long) pieceLength));
            }
            assertThat(ext.portByKey.values()).contains(a.listenPort(), b.listenPort());
        }
        TestTorrents.assertSameTree(full, leechDir);
    }

    /** Holds every connection until released, then says "bye" on it. */
    static final class Holder implements TorrentExtension {
        final java.util.concurrent.atomic.AtomicBoolean hold = new java.util.concurrent.atomic.AtomicBoolean(true);
        final List<PeerHandle> peers = new CopyOnWriteArrayList<>();

        @Override
        public String name() {
            return "x_echo";
        }

        @Override
        public void onHandshake(PeerHandle peer, ExtendedHandshake hs) {
            peers.add(peer);
        }

        @Override
        public boolean holdsConnection(PeerHandle peer) {
            return hold.get();
        }

        void release() {
            for (PeerHandle p : peers) p.sendExtended("x_echo", "bye".getBytes(StandardCharsets.US_ASCII));
            hold.set(false);
        }
    }

    /**
     * A completed download leaves its seeds, but not while an extension still has work on the connection
     * (a payment waiting for a new channel): what it sends before letting go still arrives.
     */
    @Test
    @Timeout(60)
    void aCompletedDownloadKeepsASeedConnectionAnExtensionHoldsThenLeaves() throws Exception {
        Path seedDir = tmp.resolve("seed"), leechDir = tmp.resolve("leech");
        Metainfo m = TestTorrents.singleFile(seedDir, "data.bin", 1024 * 1024, 64 * 1024, 12);
        Echo seedExt = new Echo("seeder");
        Holder holder = new Holder();
        try (Session seeder = Session.start(SessionConfig.defaults());
             Session leecher = Session.start(SessionConfig.defaults())) {
            seeder.add(AddTorrentParams.of(m, seedDir).withTrackers(false).withExtensions(List.of(seedExt)))
                    .completion().get(30, TimeUnit.SECONDS);
            TorrentHandle l = leecher.add(AddTorrentParams.of(m, leechDir).withTrackers(false).withExtensions(List.of(holder))
                    .withPeers(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), seeder.listenPort()))));
            l.completion().get(40, TimeUnit.SECONDS);
            Thread.sleep(2_500); // two ticks: a held connection stays
            assertThat(l.status().peers()).as("the held seed connection is still open").isEqualTo(1);
            assertThat(seedExt.closed).isEmpty();
            holder.release();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (l.status().peers() > 0 && System.nanoTime() < deadline) Thread.sleep(20);
            assertThat(l.status().peers()).as("released: the completed download leaves the seed").isZero();
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (seedExt.closed.isEmpty() && System.nanoTime() < deadline) Thread.sleep(20);
            assertThat(seedExt.received).as("sent before the release, delivered before the close").contains("bye");
            assertThat(seedExt.closed).hasSize(1);
        }
        TestTorrents.assertSameTree(seedDir, leechDir);
    }
}
