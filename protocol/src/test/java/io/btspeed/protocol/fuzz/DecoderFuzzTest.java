package io.btspeed.protocol.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.btspeed.protocol.ProtocolException;
import io.btspeed.protocol.bencode.BValue;
import io.btspeed.protocol.bencode.Bencode;
import io.btspeed.protocol.ext.ExtendedHandshake;
import io.btspeed.protocol.ext.MetadataCodec;
import io.btspeed.protocol.ext.PexMessage;
import io.btspeed.protocol.magnet.MagnetUri;
import io.btspeed.protocol.metainfo.Metainfo;
import io.btspeed.protocol.wire.FrameReader;
import io.btspeed.protocol.wire.PeerMessage;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One fuzz target per decoder of outside bytes. The only exception a decoder may throw on any input
 * is {@link ProtocolException}; anything else (NPE, index errors, OOM, a hang) is a bug. Without
 * JAZZER_FUZZ=1 each runs its seed corpus (src/test/resources/.../DecoderFuzzTestInputs/METHOD/).
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
            Bencode.decodeLenient(data);
        } catch (ProtocolException expected) {
            // rejected cleanly
        }
    }

    @FuzzTest(maxDuration = "10s")
    void metainfo(byte[] data) {
        try {
            Metainfo m = Metainfo.parse(data);
            if (m.pieceCount() <= 0 || m.totalLength() <= 0) throw new AssertionError("accepted an empty torrent");
            Metainfo again = Metainfo.parse(m.toTorrentFile());
            if (!again.infoHash().equals(m.infoHash())) throw new AssertionError("info-hash changed on rewrite");
        } catch (ProtocolException expected) {
            // rejected cleanly
        }
    }

    @FuzzTest(maxDuration = "10s")
    void magnet(byte[] data) {
        try {
            MagnetUri.parse(new String(data, StandardCharsets.UTF_8));
        } catch (ProtocolException expected) {
            // rejected cleanly
        }
    }

    @FuzzTest(maxDuration = "10s")
    void peerWire(byte[] data) {
        FrameReader r = new FrameReader();
        try {
            // feed in two parts to exercise reassembly
            int half = data.length / 2;
            r.feed(Arrays.copyOfRange(data, 0, half));
            while (r.next() != null) { /* drain */ }
            r.feed(Arrays.copyOfRange(data, half, data.length));
            PeerMessage m;
            while ((m = r.next()) != null) {
                if (m == null) break;
            }
        } catch (ProtocolException expected) {
            // rejected cleanly
        }
    }

    @FuzzTest(maxDuration = "10s")
    void extensionMessages(byte[] data) {
        try {
            ExtendedHandshake.decode(data);
        } catch (ProtocolException expected) {
            // rejected cleanly
        }
        try {
            MetadataCodec.decode(data);
        } catch (ProtocolException expected) {
            // rejected cleanly
        }
        try {
            PexMessage.decode(data);
        } catch (ProtocolException expected) {
            // rejected cleanly
        }
    }
}
