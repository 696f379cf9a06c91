package io.btspeed.engine.lsd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.btspeed.protocol.ProtocolException;
import io.btspeed.protocol.metainfo.InfoHash;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** BEP 14 announce parsing. Fuzz for longer: JAZZER_FUZZ=1 ./mvnw -pl engine test -Dtest=LsdMessageTest#fuzzDatagram */
class LsdMessageTest {
    static final InfoHash H1 = InfoHash.fromHex("0123456789abcdef0123456789abcdef01234567");
    static final InfoHash H2 = InfoHash.fromHex("ffeeddccbbaa99887766554433221100ffeeddcc");

    static LsdMessage decode(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        return LsdMessage.decode(b, b.length);
    }

    @Test
    void roundTripWithSeveralHashesAndACookie() {
        LsdMessage m = new LsdMessage(6881, List.of(H1, H2), "c00k1e");
        byte[] wire = m.encode("239.192.152.143:6771");
        assertThat(new String(wire, StandardCharsets.US_ASCII)).isEqualTo("BT-SEARCH * HTTP/1.1\r\nHost: 239.192.152.143:6771\r\n"
                + "Port: 6881\r\nInfohash: " + H1.hex() + "\r\nInfohash: " + H2.hex() + "\r\ncookie: c00k1e\r\n\r\n\r\n");
        assertThat(LsdMessage.decode(wire, wire.length)).isEqualTo(m);
    }

    @Test
    void acceptsOtherClientsSpellings() {
        // header names in any case, uppercase hex, bare LF, no cookie, extra headers
        LsdMessage m = decode("BT-SEARCH * HTTP/1.1\nHOST: 239.192.152.143:6771\nport: 51413\nINFOHASH: " + H1.hex().toUpperCase()
                + "\nX-Whatever: 1\n\n\n");
        assertThat(m).isEqualTo(new LsdMessage(51413, List.of(H1), null));
    }

    @Test
    void rejectsHostileDatagrams() {
        String ok = "BT-SEARCH * HTTP/1.1\r\nPort: 1\r\nInfohash: " + H1.hex() + "\r\n";
        expect("M-SEARCH * HTTP/1.1\r\nPort: 1\r\n\r\n", "not a BT-SEARCH");
        expect("BT-SEARCH * HTTP/1.1\r\nInfohash: " + H1.hex() + "\r\n\r\n", "missing Port");
        expect("BT-SEARCH * HTTP/1.1\r\nPort: 1\r\n\r\n", "missing Infohash");
        expect("BT-SEARCH * HTTP/1.1\r\nPort: 0\r\nInfohash: " + H1.hex() + "\r\n\r\n", "1..65535");
        expect("BT-SEARCH * HTTP/1.1\r\nPort: 70000\r\nInfohash: " + H1.hex() + "\r\n\r\n", "1..65535");
        expect("BT-SEARCH * HTTP/1.1\r\nPort: -1\r\nInfohash: " + H1.hex() + "\r\n\r\n", "not a number");
        expect(ok + "Port: 2\r\n\r\n", "twice");
        expect("BT-SEARCH * HTTP/1.1\r\nPort: 1\r\nInfohash: abc\r\n\r\n", "40 hex");
        expect("BT-SEARCH * HTTP/1.1\r\nPort: 1\r\nInfohash: " + "g".repeat(40) + "\r\n\r\n", "hex");
        expect(ok + "no colon here\r\n\r\n", "without a name");
        expect(ok + "cookie: \u00e9\r\n\r\n", "not printable");
        expect(ok + "X: y\r\n".repeat(41) + "\r\n", "more than 40 headers");
        expect(ok + ("Infohash: " + H2.hex() + "\r\n").repeat(LsdMessage.MAX_HASHES) + "\r\n", "Infohash headers");
        byte[] big = new byte[LsdMessage.MAX_DATAGRAM + 1];
        assertThatThrownBy(() -> LsdMessage.decode(big, big.length)).isInstanceOf(LsdException.class).hasMessageContaining("larger");
    }

    private static void expect(String datagram, String message) {
        assertThatThrownBy(() -> decode(datagram)).isInstanceOf(ProtocolException.class).hasMessageContaining(message);
    }

    @Test
    void theLargestAnnounceFitsOneDatagram() {
        LsdMessage m = new LsdMessage(65535, Collections.nCopies(LsdMessage.MAX_HASHES, H1), "x".repeat(LsdMessage.MAX_COOKIE));
        assertThat(m.encode("[ff15:0:0:0:0:0:efc0:988f]:6771").length).isLessThanOrEqualTo(LsdMessage.MAX_DATAGRAM);
    }

    @FuzzTest(maxDuration = "10s")
    void fuzzDatagram(byte[] data) {
        LsdMessage m;
        try {
            m = LsdMessage.decode(data, data.length);
        } catch (ProtocolException expected) {
            return;
        }
        byte[] again = m.encode("239.192.152.143:6771");
        if (!LsdMessage.decode(again, again.length).equals(m)) throw new AssertionError("re-encoded announce differs");
    }
}
