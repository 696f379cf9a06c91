package io.btspeed.engine;

import io.btspeed.engine.torrent.Timeouts;
import io.btspeed.protocol.metainfo.Metainfo;
import io.btspeed.protocol.wire.Cancel;
import io.btspeed.protocol.wire.Handshake;
import io.btspeed.protocol.wire.HaveAll;
import io.btspeed.protocol.wire.MessageCodec;
import io.btspeed.protocol.wire.PeerMessage;
import io.btspeed.protocol.wire.Request;
import io.btspeed.protocol.wire.Unchoke;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A peer that accepts requests and never answers: after the request timeout they are cancelled and fetched from someone else. */
class TimeoutTest {
    @TempDir
    Path tmp;

    @Test
    @Timeout(60)
    void requestsToASilentPeerAreCancelledAndReissuedElsewhere() throws Exception {
        Path seedDir = tmp.resolve("seed");
        Metainfo m = TestTorrents.singleFile(seedDir, "s.bin", 1_000_000, 32 * 1024, 71);
        Timeouts quick = new Timeouts(Duration.ofSeconds(1), Duration.ofSeconds(30));
        try (ServerSocket sloth = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
             Session seeder = Session.start(SessionConfig.defaults());
             Session leecher = Session.start(SessionConfig.defaults(), quick)) {
            seeder.add(AddTorrentParams.of(m, seedDir).withTrackers(false)).completion().get(20, TimeUnit.SECONDS);
            TorrentHandle t = leecher.add(AddTorrentParams.of(m, tmp.resolve("l")).withTrackers(false)
                    .withPeers(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), sloth.getLocalPort()))));
            Set<Request> requested = new HashSet<>();
            Set<Cancel> cancelled = new HashSet<>();
            try (RawPeer p = new RawPeer(sloth.accept())) {
                p.readHandshake();
                p.send(new Handshake(Handshake.reserved(true, true, false), m.infoHash(), RawPeer.PEER_ID).encode());
                p.send(new HaveAll());
                p.send(new Unchoke());
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                while ((requested.isEmpty() || cancelled.size() < requested.size()) && System.nanoTime() < deadline) {
                    byte[] frame = p.readFrame();
                    if (frame == null) break;
                    if (frame.length == 0) continue;
                    PeerMessage msg = MessageCodec.decode(ByteBuffer.wrap(frame));
                    if (msg instanceof Request r) requested.add(r);
                    if (msg instanceof Cancel c) cancelled.add(c);
                }
                assertThat(requested).isNotEmpty();
                assertThat(cancelled).hasSameSizeAs(requested);
                for (Cancel c : cancelled) assertThat(requested).contains(new Request(c.piece(), c.begin(), c.length()));
                t.addPeer(new InetSocketAddress(InetAddress.getLoopbackAddress(), seeder.listenPort()));
                t.completion().get(30, TimeUnit.SECONDS);
            }
        }
        TestTorrents.assertSameTree(seedDir, tmp.resolve("l"));
    }
}
