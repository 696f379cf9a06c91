package io.btspeed.engine;

import io.btspeed.protocol.metainfo.Metainfo;
import io.btspeed.protocol.wire.BitfieldMsg;
import io.btspeed.protocol.wire.Handshake;
import io.btspeed.protocol.wire.MessageCodec;
import io.btspeed.protocol.wire.PeerMessage;
import io.btspeed.protocol.wire.Request;
import io.btspeed.protocol.wire.Unchoke;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** A peer that answers every request with random bytes: its pieces fail the hash, are fetched again elsewhere, and it gets banned. */
class CorruptPeerTest {
    @TempDir
    Path tmp;

    @Test
    @Timeout(60)
    void corruptBlocksAreRefetchedAndTheSenderBanned() throws Exception {
        Path seedDir = tmp.resolve("seed"), leechDir = tmp.resolve("leech");
        Metainfo m = TestTorrents.singleFile(seedDir, "x.bin", 2_000_000, 32 * 1024, 11);
        AtomicInteger connections = new AtomicInteger();
        AtomicInteger blocksServed = new AtomicInteger();
        CountDownLatch droppedByLeecher = new CountDownLatch(1);
        try (ServerSocket liar = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
             Session seeder = Session.start(SessionConfig.defaults());
             Session leecher = Session.start(SessionConfig.defaults())) {
            Thread liarThread = Thread.ofVirtual().start(() -> serveGarbage(liar, m, connections, blocksServed, droppedByLeecher));
            seeder.add(AddTorrentParams.of(m, seedDir).withTrackers(false)).completion().get(20, TimeUnit.SECONDS);
            TorrentHandle l = leecher.add(AddTorrentParams.of(m, leechDir).withTrackers(false).withPeers(List.of(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), liar.getLocalPort()))));
            // Let the liar be the only source first, so its pieces are certainly its own.
            assertThat(droppedByLeecher.await(30, TimeUnit.SECONDS)).as("liar banned").isTrue();
            l.addPeer(new InetSocketAddress(InetAddress.getLoopbackAddress(), seeder.listenPort()));
            l.completion().get(40, TimeUnit.SECONDS);
            assertThat(blocksServed.get()).isPositive();
            liar.close();
            liarThread.join(5000);
        }
        TestTorrents.assertSameTree(seedDir, leechDir);
        assertThat(connections.get()).isEqualTo(1);
    }

    private static void serveGarbage(ServerSocket server, Metainfo m, AtomicInteger connections, AtomicInteger served, CountDownLatch dropped) {
        Random r = new Random(5);
        while (!server.isClosed()) {
            try (Socket s = server.accept(); RawPeer p = new RawPeer(s)) {
                connections.incrementAndGet();
                p.readHandshake();
                p.send(new Handshake(Handshake.reserved(false, false, false), m.infoHash(), RawPeer.PEER_ID).encode());
                byte[] bits = new byte[(m.pieceCount() + 7) / 8];
                // Everything but the last piece: not a seed, so only a ban explains being disconnected.
                for (int i = 0; i < m.pieceCount() - 1; i++) bits[i >>> 3] |= (byte) (0x80 >>> (i & 7));
                p.send(new BitfieldMsg(bits));
                p.send(new Unchoke());
                byte[] frame;
                while ((frame = p.readFrame()) != null) {
                    if (frame.length == 0) continue;
                    PeerMessage msg = MessageCodec.decode(ByteBuffer.wrap(frame));
                    if (msg instanceof Request(int piece, int begin, int length)) {
                        byte[] junk = new byte[length];
                        r.nextBytes(junk);
                        ByteBuffer b = ByteBuffer.allocate(13 + length);
                        MessageCodec.writePieceHeader(b, piece, begin, length);
                        b.put(junk);
                        p.send(b.array());
                        served.incrementAndGet();
                    }
                }
                dropped.countDown();
            } catch (IOException e) {
                dropped.countDown();
            }
        }
    }
}
