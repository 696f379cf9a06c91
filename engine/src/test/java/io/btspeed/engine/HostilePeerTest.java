package io.btspeed.engine;

import io.btspeed.protocol.metainfo.InfoHash;
import io.btspeed.protocol.metainfo.Metainfo;
import io.btspeed.protocol.wire.Handshake;
import io.btspeed.protocol.wire.Have;
import io.btspeed.protocol.wire.HaveAll;
import io.btspeed.protocol.wire.Interested;
import io.btspeed.protocol.wire.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile bytes from one peer: that connection is dropped, the seeder keeps serving everybody
 * else, and nothing it holds is corrupted (checked by a full, byte-compared download afterwards).
 */
@Timeout(60)
class HostilePeerTest {
    @TempDir
    Path tmp;
    private Session seeder;
    private Metainfo meta;
    private Path seedDir;

    @BeforeEach
    void startSeeder() throws Exception {
        seedDir = tmp.resolve("seed");
        meta = TestTorrents.singleFile(seedDir, "victim.bin", 1_000_000, 32 * 1024, 7);
        seeder = Session.start(SessionConfig.defaults());
        seeder.add(AddTorrentParams.of(meta, seedDir).withTrackers(false)).completion().get(20, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        // Whatever the hostile peer did, an honest leecher still gets the exact file.
        Path leechDir = tmp.resolve("leech");
        try (Session leecher = Session.start(SessionConfig.defaults())) {
            leecher.add(AddTorrentParams.of(meta, leechDir).withTrackers(false)
                    .withPeers(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), seeder.listenPort()))))
                    .completion().get(30, TimeUnit.SECONDS);
        } finally {
            seeder.close();
        }
        TestTorrents.assertSameTree(seedDir, leechDir);
    }

    /** Handshakes properly and consumes the seeder's handshake. */
    private RawPeer handshaken() throws IOException {
        RawPeer p = RawPeer.connect(seeder.listenPort());
        p.sendHandshake(meta.infoHash(), true);
        Handshake h = p.readHandshake();
        assertThat(h.infoHash()).isEqualTo(meta.infoHash());
        return p;
    }

    @Test
    void garbageInsteadOfHandshakeIsClosedWithoutReply() throws Exception {
        try (RawPeer p = RawPeer.connect(seeder.listenPort())) {
            // Looks like the start of an MSE handshake: random bytes, not "\x13BitTorrent protocol".
            byte[] junk = new byte[96];
            new java.util.Random(3).nextBytes(junk);
            p.send(junk);
            assertThat(p.bytesBeforeClose()).isZero();
        }
    }

    @Test
    void wrongInfoHashIsClosedWithoutReply() throws Exception {
        try (RawPeer p = RawPeer.connect(seeder.listenPort())) {
            byte[] other = meta.infoHash().bytes().clone();
            other[0] ^= 1;
            p.sendHandshake(new InfoHash(other), true);
            assertThat(p.bytesBeforeClose()).isZero();
        }
    }

    @Test
    void ownPeerIdIsRejected() throws Exception {
        try (RawPeer p = RawPeer.connect(seeder.listenPort())) {
            p.send(new Handshake(Handshake.reserved(true, true, false), meta.infoHash(), seeder.peerId()).encode());
            assertThat(p.bytesBeforeClose()).isZero();
        }
    }

    @Test
    void oversizedLengthPrefixDropsThePeer() throws Exception {
        try (RawPeer p = handshaken()) {
            p.send(new byte[]{0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 5});
            assertThat(p.closedByPeer()).isTrue();
        }
    }

    @Test
    void haveWithBadIndexDropsThePeer() throws Exception {
        try (RawPeer p = handshaken()) {
            p.send(new Have(meta.pieceCount()));
            assertThat(p.closedByPeer()).isTrue();
        }
    }

    @Test
    void requestOutsideThePieceDropsThePeer() throws Exception {
        try (RawPeer p = handshaken()) {
            p.send(new Interested());
            p.send(new Request(0, 32 * 1024 - 100, 16 * 1024));
            assertThat(p.closedByPeer()).isTrue();
        }
    }

    @Test
    void requestForMissingPieceIndexDropsThePeer() throws Exception {
        try (RawPeer p = handshaken()) {
            p.send(new Interested());
            p.send(new Request(Integer.MAX_VALUE, 0, 16 * 1024));
            assertThat(p.closedByPeer()).isTrue();
        }
    }

    @Test
    void unrequestedBlockDropsThePeer() throws Exception {
        try (RawPeer p = handshaken()) {
            byte[] payload = ByteBuffer.allocate(8 + 16).putInt(0).putInt(0).array();
            p.send(RawPeer.frame(1 + payload.length, (byte) 7, payload));
            assertThat(p.closedByPeer()).isTrue();
        }
    }

    @Test
    void unknownMessageIdDropsThePeer() throws Exception {
        try (RawPeer p = handshaken()) {
            p.send(RawPeer.frame(3, (byte) 99, new byte[]{1, 2}));
            assertThat(p.closedByPeer()).isTrue();
        }
    }

    @Test
    void fastMessagesWithoutFastExtensionDropThePeer() throws Exception {
        try (RawPeer p = RawPeer.connect(seeder.listenPort())) {
            p.sendHandshake(meta.infoHash(), false);
            p.readHandshake();
            p.send(new HaveAll());
            assertThat(p.closedByPeer()).isTrue();
        }
    }

    @Test
    void bitfieldOfWrongLengthDropsThePeer() throws Exception {
        try (RawPeer p = handshaken()) {
            p.send(new io.btspeed.protocol.wire.BitfieldMsg(new byte[(meta.pieceCount() + 7) / 8 + 1]));
            assertThat(p.closedByPeer()).isTrue();
        }
    }

    @Test
    void bitfieldWithSpareBitsSetDropsThePeer() throws Exception {
        int n = meta.pieceCount();
        assertThat(n % 8).as("the test needs spare bits").isNotZero();
        byte[] bits = new byte[(n + 7) / 8];
        bits[bits.length - 1] = 1; // the very last bit lies beyond the last piece
        try (RawPeer p = handshaken()) {
            p.send(new io.btspeed.protocol.wire.BitfieldMsg(bits));
            assertThat(p.closedByPeer()).isTrue();
        }
    }

    @Test
    void garbageExtendedHandshakeDropsThePeer() throws Exception {
        try (RawPeer p = handshaken()) {
            p.send(new io.btspeed.protocol.wire.Extended(0, "d1:mi".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
            assertThat(p.closedByPeer()).isTrue();
        }
    }

    @Test
    void truncatedFrameThenCloseLeavesSeederServing() throws Exception {
        try (RawPeer p = handshaken()) {
            p.send(new byte[]{0, 0, 0, 13, 6, 0, 0});
        }
        // The honest download in stop() proves the seeder is unaffected.
    }
}
