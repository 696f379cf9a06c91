package io.btspeed.engine;

import io.btspeed.protocol.ext.ExtendedHandshake;
import io.btspeed.protocol.ext.MetadataCodec;
import io.btspeed.protocol.ext.MetadataData;
import io.btspeed.protocol.ext.MetadataRequest;
import io.btspeed.protocol.magnet.MagnetUri;
import io.btspeed.protocol.metainfo.Metainfo;
import io.btspeed.protocol.wire.Extended;
import io.btspeed.protocol.wire.Handshake;
import io.btspeed.protocol.wire.MessageCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A peer that serves made-up metadata (with a made-up size): its bytes fail the info-hash check and the real metadata still wins. */
class MetadataLiarTest {
    @TempDir
    Path tmp;

    @Test
    @Timeout(60)
    void fakeMetadataIsRejectedAndRealMetadataFetchedFromAnotherPeer() throws Exception {
        Path seedDir = tmp.resolve("seed");
        Metainfo m = TestTorrents.multiFile(seedDir, "lie", new int[]{300_000, 200_000}, 16 * 1024, 61);
        CountDownLatch lied = new CountDownLatch(1);
        try (ServerSocket liar = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
             Session seeder = Session.start(SessionConfig.defaults());
             Session leecher = Session.start(SessionConfig.defaults())) {
            Thread.ofVirtual().start(() -> lie(liar, m, lied));
            seeder.add(AddTorrentParams.of(m, seedDir).withTrackers(false)).completion().get(20, TimeUnit.SECONDS);
            TorrentHandle t = leecher.add(AddTorrentParams.of(new MagnetUri(m.infoHash(), null, List.of(), List.of()), tmp.resolve("l"))
                    .withTrackers(false).withPeers(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), liar.getLocalPort()))));
            assertThat(lied.await(20, TimeUnit.SECONDS)).isTrue();
            t.addPeer(new InetSocketAddress(InetAddress.getLoopbackAddress(), seeder.listenPort()));
            t.completion().get(40, TimeUnit.SECONDS);
            assertThat(t.metainfo().rawInfo()).isEqualTo(m.rawInfo());
        }
        TestTorrents.assertSameTree(seedDir, tmp.resolve("l"));
    }

    private static void lie(ServerSocket server, Metainfo m, CountDownLatch lied) {
        int fakeSize = m.rawInfo().length + 1000;
        try (RawPeer p = new RawPeer(server.accept())) {
            p.readHandshake();
            p.send(new Handshake(Handshake.reserved(true, false, false), m.infoHash(), RawPeer.PEER_ID).encode());
            p.send(new Extended(0, new ExtendedHandshake(Map.of("ut_metadata", 3), 0, "liar", fakeSize, 0, null).encode()));
            int theirMetadataId = -1;
            Random r = new Random(1);
            byte[] frame;
            while ((frame = p.readFrame()) != null) {
                if (frame.length == 0) continue;
                if (!(MessageCodec.decode(ByteBuffer.wrap(frame)) instanceof Extended(int id, byte[] payload))) continue;
                if (id == 0) {
                    theirMetadataId = ExtendedHandshake.decode(payload).m().get("ut_metadata");
                } else if (id == 3 && MetadataCodec.decode(payload) instanceof MetadataRequest(int piece)) {
                    int len = Math.min(16 * 1024, fakeSize - piece * 16 * 1024);
                    byte[] junk = new byte[len];
                    r.nextBytes(junk);
                    p.send(new Extended(theirMetadataId, MetadataCodec.encode(new MetadataData(piece, fakeSize, junk))));
                    if ((piece + 1) * 16 * 1024 >= fakeSize) lied.countDown();
                }
            }
        } catch (IOException ignored) {
            // the leecher may drop us at any point
        }
    }
}
