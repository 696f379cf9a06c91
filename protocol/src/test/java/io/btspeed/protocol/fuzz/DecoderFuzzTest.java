package io.btspeed.protocol.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.btspeed.protocol.ProtocolException;
import io.btspeed.protocol.bencode.BValue;
import io.btspeed.protocol.bencode.Bencode;
import io.btspeed.protocol.ext.ExtendedHandshake;
import io.btspeed.protocol.ext.MetadataCodec;
import io.btspeed.protocol.ext.MetadataMessage;
import io.btspeed.protocol.ext.PexMessage;
import io.btspeed.protocol.magnet.MagnetUri;
import io.btspeed.protocol.metainfo.InfoHash;
import io.btspeed.protocol.metainfo.Metainfo;
import io.btspeed.protocol.wire.FrameReader;
import io.btspeed.protocol.wire.Handshake;
import io.btspeed.protocol.wire.MessageCodec;
import io.btspeed.protocol.wire.PeerMessage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One fuzz target per decoder of outside bytes. The only exception a decoder may throw on any input
 * is {@link ProtocolException}; anything else (NPE, index errors, OOM, a hang) is a bug, and so is
 * an accepted input that does not survive encode → decode unchanged. Without JAZZER_FUZZ=1 each
 * target runs its seed corpus (src/test/resources/.../DecoderFuzzTestInputs/METHOD/).
 * Fuzz one for longer: JAZZER_FUZZ=1 ./mvnw -pl protocol test -Dtest=DecoderFuzzTest#bencode
 */
class DecoderFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void bencode(byte[] data) {
        try {
            BValue v = Bencode.decode(data);
            // a strict decode is canonical: encoding gives back exactly the input
            if (!Arrays.equals(Bencode.encode(v), data)) throw new AssertionError("not canonical round trip");
        } catch (ProtocolException expected) {
            // rejected cleanly
        }
        try {
            BValue v = Bencode.decodeLenient(data);
            if (!Bencode.decode(Bencode.encode(v)).equals(v)) throw new AssertionError("lenient value changed on re-encode");
        } catch (ProtocolException expected) {
            // rejected cleanly
        }
    }

    @FuzzTest(maxDuration = "10s")
    void metainfo(byte[] data) {
        Metainfo m;
        try {
            m = Metainfo.parse(data);
        } catch (ProtocolException expected) {
            return;
        }
        if (m.pieceCount() <= 0 || m.totalLength() <= 0) throw new AssertionError("accepted an empty torrent");
        if (!InfoHash.of(m.rawInfo()).equals(m.infoHash())) throw new AssertionError("info-hash is not SHA-1 of the raw info");
        long sum = 0;
        for (var f : m.files()) sum += f.length();
        if (sum != m.totalLength()) throw new AssertionError("file lengths do not add up");
        Metainfo again = Metainfo.parse(m.toTorrentFile());
        if (!again.infoHash().equals(m.infoHash()) || !again.files().equals(m.files())) {
            throw new AssertionError("torrent changed on rewrite");
        }
    }

    @FuzzTest(maxDuration = "10s")
    void magnet(byte[] data) {
        MagnetUri m;
        try {
            m = MagnetUri.parse(new String(data, StandardCharsets.UTF_8));
        } catch (ProtocolException expected) {
            return;
        }
        if (!MagnetUri.parse(m.toUri()).equals(m)) throw new AssertionError("magnet changed on toUri: " + m);
    }

    @FuzzTest(maxDuration = "10s")
    void peerWire(byte[] data) {
        int start = 0;
        if (data.length >= Handshake.LENGTH && Handshake.isProtocolHeader(data)) {
            Handshake h = Handshake.decode(Arrays.copyOf(data, Handshake.LENGTH));
            if (!Handshake.decode(h.encode()).equals(h)) throw new AssertionError("handshake changed on re-encode");
            start = Handshake.LENGTH;
        }
        FrameReader r = new FrameReader();
        try {
            // feed in two parts to exercise reassembly
            int half = start + (data.length - start) / 2;
            r.feed(Arrays.copyOfRange(data, start, half));
            drain(r);
            r.feed(Arrays.copyOfRange(data, half, data.length));
            drain(r);
        } catch (ProtocolException expected) {
            // rejected cleanly
        }
    }

    private static void drain(FrameReader r) {
        PeerMessage m;
        while ((m = r.next()) != null) {
            ByteBuffer out = ByteBuffer.allocate(MessageCodec.encodedSize(m));
            MessageCodec.encode(m, out);
            if (out.hasRemaining()) throw new AssertionError("encodedSize disagrees with encode for " + m);
            out.flip().position(4);
            if (!MessageCodec.decode(out).equals(m)) throw new AssertionError("message changed on re-encode: " + m);
        }
    }

    @FuzzTest(maxDuration = "10s")
    void extendedHandshake(byte[] data) {
        ExtendedHandshake h;
        try {
            h = ExtendedHandshake.decode(data);
        } catch (ProtocolException expected) {
            return;
        }
        ExtendedHandshake again = ExtendedHandshake.decode(h.encode());
        if (!again.m().equals(h.m()) || again.port() != h.port() || again.metadataSize() != h.metadataSize()
                || again.reqq() != h.reqq() || !java.util.Objects.equals(again.client(), h.client())) {
            throw new AssertionError("extended handshake changed on re-encode: " + h + " vs " + again);
        }
    }

    @FuzzTest(maxDuration = "10s")
    void metadataMessage(byte[] data) {
        MetadataMessage m;
        try {
            m = MetadataCodec.decode(data);
        } catch (ProtocolException expected) {
            return;
        }
        if (!MetadataCodec.decode(MetadataCodec.encode(m)).equals(m)) throw new AssertionError("ut_metadata changed: " + m);
    }

    @FuzzTest(maxDuration = "10s")
    void pexMessage(byte[] data) {
        PexMessage m;
        try {
            m = PexMessage.decode(data);
        } catch (ProtocolException expected) {
            return;
        }
        if (!PexMessage.decode(m.encode()).equals(m)) throw new AssertionError("ut_pex changed on re-encode: " + m);
    }
}
