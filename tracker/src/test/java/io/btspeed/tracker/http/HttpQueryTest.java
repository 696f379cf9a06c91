package io.btspeed.tracker.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.btspeed.protocol.ProtocolException;
import io.btspeed.tracker.AnnounceEvent;
import io.btspeed.tracker.TrackerRequestException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The HTTP query parser and announce decoder. Fuzz for longer:
 * JAZZER_FUZZ=1 ./mvnw -pl tracker test -Dtest=HttpQueryTest#fuzzAnnounceQuery
 */
class HttpQueryTest {
    static final InetAddress SRC = InetAddress.ofLiteral("192.0.2.7");

    /** Every byte value percent-encoded, as clients send binary info_hash/peer_id. */
    static String escape(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) s.append('%').append(String.format("%02X", x & 0xff));
        return s.toString();
    }

    static byte[] seq(int from) {
        byte[] b = new byte[20];
        for (int i = 0; i < 20; i++) b[i] = (byte) (from + i);
        return b;
    }

    static String query(byte[] hash, byte[] peerId, String rest) {
        return "info_hash=" + escape(hash) + "&peer_id=" + escape(peerId) + rest;
    }

    @Test
    void binaryValuesSurviveDecodingForAllByteValues() {
        for (int start = 0; start < 256; start += 20) {
            byte[] h = seq(start), p = seq(255 - start);
            HttpAnnounce a = HttpAnnounce.parse(HttpQuery.parse(query(h, p, "&port=6881&left=0")), SRC, false);
            assertThat(a.request().infoHash().bytes()).isEqualTo(h);
            assertThat(a.request().peerId()).isEqualTo(p);
        }
    }

    @Test
    void mixOfLiteralAndEscapedCharactersAsLibtorrentSendsThem() {
        // unreserved characters travel literally, the rest escaped; lowercase hex is fine too
        String q = "info_hash=abcdefghij%00%ff%7e-_.KLMN&peer_id=-LT2080-aaaaaaaaaaaa&port=1&left=5&event=started"
                + "&uploaded=1&downloaded=2&numwant=30&compact=1&no_peer_id=1&key=abc&supportcrypto=1";
        HttpAnnounce a = HttpAnnounce.parse(HttpQuery.parse(q), SRC, false);
        byte[] expect = "abcdefghij\0\u00ff~-_.KLMN".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(a.request().infoHash().bytes()).isEqualTo(expect);
        assertThat(new String(a.request().peerId(), StandardCharsets.US_ASCII)).isEqualTo("-LT2080-aaaaaaaaaaaa");
        assertThat(a.request().event()).isEqualTo(AnnounceEvent.STARTED);
        assertThat(a.request().numWant()).isEqualTo(30);
        assertThat(a.request().left()).isEqualTo(5);
        assertThat(a.request().uploaded()).isEqualTo(1);
        assertThat(a.request().downloaded()).isEqualTo(2);
        assertThat(a.compact()).isTrue();
        assertThat(a.noPeerId()).isTrue();
        assertThat(a.request().address()).isEqualTo(SRC);
    }

    @Test
    void clientIpIsIgnoredUnlessTrustedAndThenMustBeALiteral() {
        String q = query(seq(0), seq(1), "&port=1&left=0&ip=10.1.2.3");
        assertThat(HttpAnnounce.parse(HttpQuery.parse(q), SRC, false).request().address()).isEqualTo(SRC);
        assertThat(HttpAnnounce.parse(HttpQuery.parse(q), SRC, true).request().address().getHostAddress()).isEqualTo("10.1.2.3");
        assertThatThrownBy(() -> HttpAnnounce.parse(HttpQuery.parse(query(seq(0), seq(1), "&port=1&left=0&ip=example.com")), SRC, true))
                .hasMessageContaining("literal");
    }

    @Test
    void compactDefaultsOnAndCanBeTurnedOff() {
        assertThat(HttpAnnounce.parse(HttpQuery.parse(query(seq(0), seq(1), "&port=1&left=0")), SRC, false).compact()).isTrue();
        assertThat(HttpAnnounce.parse(HttpQuery.parse(query(seq(0), seq(1), "&port=1&left=0&compact=0")), SRC, false).compact()).isFalse();
    }

    @Test
    void malformedQueriesAreRejectedWithAReason() {
        String ok = query(seq(0), seq(1), "");
        expectFailure(ok + "&port=1", "missing left");
        expectFailure(ok + "&left=1", "missing port");
        expectFailure(ok + "&port=0&left=1", "port");
        expectFailure(ok + "&port=65536&left=1", "port");
        expectFailure(ok + "&port=-1&left=1", "decimal");
        expectFailure(ok + "&port=1&left=1&left=2", "left given 2 times");
        expectFailure(ok + "&port=1&left=99999999999999999999", "decimal");
        expectFailure(ok + "&port=1&left=1&event=exploded", "unknown event");
        expectFailure(ok + "&port=1&left=1&numwant=x", "numwant");
        assertThat(HttpAnnounce.parse(HttpQuery.parse(ok + "&port=1&left=1&numwant=-1&event=paused"), SRC, false).request())
                .satisfies(r -> assertThat(r.numWant()).isEqualTo(-1), r -> assertThat(r.event()).isEqualTo(AnnounceEvent.NONE));
        expectFailure(ok + "&port=1&left=1&compact=yes", "compact");
        expectFailure("info_hash=" + escape(new byte[19]) + "&peer_id=" + escape(seq(1)) + "&port=1&left=0", "info_hash must be 20");
        expectFailure("peer_id=" + escape(seq(1)) + "&port=1&left=0", "missing info_hash");
        expectFailure("info_hash=" + escape(seq(0)) + "&port=1&left=0", "missing peer_id");
        expectFailure("info_hash=%G0", "bad %-escape");
        expectFailure("info_hash=%0", "truncated");
        expectFailure("info_hash=a b", "must be %-escaped");
        expectFailure("info_hash=\u00e9", "must be %-escaped");
        expectFailure("a=".repeat(HttpQuery.MAX_QUERY_LENGTH), "longer than");
        expectFailure("a=1&".repeat(HttpQuery.MAX_PARAMS + 1), "more than");
    }

    private static void expectFailure(String q, String message) {
        assertThatThrownBy(() -> HttpAnnounce.parse(HttpQuery.parse(q), SRC, false))
                .isInstanceOf(TrackerRequestException.class).hasMessageContaining(message);
    }

    @Test
    void scrapeTakesSeveralInfoHashesWithinALimit() {
        String q = "info_hash=" + escape(seq(0)) + "&info_hash=" + escape(seq(40));
        assertThat(HttpAnnounce.scrapeHashes(HttpQuery.parse(q))).extracting(h -> h.bytes()[0]).containsExactly((byte) 0, (byte) 40);
        assertThatThrownBy(() -> HttpAnnounce.scrapeHashes(HttpQuery.parse(""))).hasMessageContaining("at least one");
        String many = ("info_hash=" + escape(seq(1)) + "&").repeat(HttpAnnounce.MAX_SCRAPE_HASHES + 1);
        assertThatThrownBy(() -> HttpAnnounce.scrapeHashes(HttpQuery.parse(many))).hasMessageContaining("at most");
    }

    @Test
    void emptyPiecesAndPlusSigns() {
        HttpQuery q = HttpQuery.parse("&&a=1+2&&b&c=");
        assertThat(new String(q.single("a"), StandardCharsets.US_ASCII)).isEqualTo("1 2");
        assertThat(q.single("b")).isEmpty();
        assertThat(q.single("c")).isEmpty();
        assertThat(q.has("d")).isFalse();
    }

    /** Any text: either a clean rejection or an announce whose binary fields re-encode to the same request. */
    @FuzzTest(maxDuration = "10s")
    void fuzzAnnounceQuery(byte[] data) {
        String raw = new String(data, StandardCharsets.ISO_8859_1);
        HttpAnnounce a;
        try {
            HttpQuery q = HttpQuery.parse(raw);
            try {
                HttpAnnounce.scrapeHashes(q);
            } catch (ProtocolException expected) {
                // not a scrape
            }
            a = HttpAnnounce.parse(q, SRC, true);
        } catch (ProtocolException expected) {
            return;
        }
        var r = a.request();
        String again = query(r.infoHash().bytes(), r.peerId(), "&port=" + r.port() + "&left=" + r.left());
        HttpAnnounce b = HttpAnnounce.parse(HttpQuery.parse(again), SRC, false);
        if (!b.request().infoHash().equals(r.infoHash()) || b.request().port() != r.port()) {
            throw new AssertionError("re-encoded announce differs");
        }
    }
}
