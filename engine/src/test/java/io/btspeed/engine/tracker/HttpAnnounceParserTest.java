package io.btspeed.engine.tracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.btspeed.protocol.bencode.BDict;
import io.btspeed.protocol.bencode.BList;
import io.btspeed.protocol.bencode.BValue;
import io.btspeed.protocol.bencode.Bencode;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class HttpAnnounceParserTest {
    private static final String URL = "http://t.example/announce";

    private static HttpAnnounceReply parse(String body) throws TrackerException {
        return HttpAnnounceParser.parse(body.getBytes(StandardCharsets.ISO_8859_1), URL);
    }

    private static HttpAnnounceReply parse(BValue v) throws TrackerException {
        return HttpAnnounceParser.parse(Bencode.encode(v), URL);
    }

    @Test
    void compactPeersWithAllCounters() throws Exception {
        // 127.0.0.1:1234 and 10.0.0.2:6881, as opentracker sends them
        String body = "d8:completei3e10:incompletei7e8:intervali1807e12:min intervali903e5:peers12:"
                + "\u007f\u0000\u0000\u0001\u0004\u00d2\n\u0000\u0000\u0002\u001a\u00e1e";
        AnnounceResponse r = parse(body).response();
        assertThat(r.intervalSeconds()).isEqualTo(1807);
        assertThat(r.minIntervalSeconds()).isEqualTo(903);
        assertThat(r.seeders()).isEqualTo(3);
        assertThat(r.leechers()).isEqualTo(7);
        assertThat(r.warning()).isNull();
        assertThat(r.peers()).containsExactly(new InetSocketAddress("127.0.0.1", 1234), new InetSocketAddress("10.0.0.2", 6881));
    }

    @Test
    void dictionaryPeersSkipHostNamesAndPortZero() throws Exception {
        BDict body = BDict.builder().put("interval", 60)
                .put("peers", new BList(List.of(
                        BDict.builder().put("ip", "192.168.1.9").put("peer id", "x".repeat(20)).put("port", 51413).build(),
                        BDict.builder().put("ip", "tracker-chosen.example").put("port", 1).build(),
                        BDict.builder().put("ip", "2001:db8::1").put("port", 443).build(),
                        BDict.builder().put("ip", "10.0.0.1").put("port", 0).build())))
                .build();
        AnnounceResponse r = parse(body).response();
        assertThat(r.peers()).containsExactly(new InetSocketAddress("192.168.1.9", 51413), new InetSocketAddress("2001:db8::1", 443));
        assertThat(r.seeders()).isEqualTo(-1);
        assertThat(r.leechers()).isEqualTo(-1);
        assertThat(r.minIntervalSeconds()).isZero();
    }

    @Test
    void peers6AreAddedAfterIpv4AndDuplicatesDropped() throws Exception {
        byte[] v6 = new byte[18];
        v6[0] = 0x20; v6[1] = 0x01; v6[2] = 0x0d; v6[3] = (byte) 0xb8; v6[15] = 7; v6[16] = 0x1a; v6[17] = (byte) 0xe1;
        byte[] v4 = {1, 2, 3, 4, 0, 80, 1, 2, 3, 4, 0, 80};
        BDict body = BDict.builder().put("interval", 900).put("peers", v4).put("peers6", v6).build();
        assertThat(parse(body).response().peers())
                .containsExactly(new InetSocketAddress("1.2.3.4", 80), new InetSocketAddress("2001:db8::7", 6881));
    }

    @Test
    void failureReasonIsARefusalWithTheTrackersText() {
        assertThatThrownBy(() -> parse("d14:failure reason17:torrent not founde"))
                .isInstanceOf(TrackerRejectedException.class)
                .hasMessageContaining("torrent not found")
                .satisfies(e -> assertThat(((TrackerRejectedException) e).reason()).isEqualTo("torrent not found"));
    }

    @Test
    void failureReasonControlCharactersAreBlanked() {
        assertThatThrownBy(() -> parse("d14:failure reason5:a\u001b[2Je"))
                .isInstanceOfSatisfying(TrackerRejectedException.class, e -> assertThat(e.reason()).isEqualTo("a [2J"));
    }

    @Test
    void warningAndTrackerIdAreKept() throws Exception {
        HttpAnnounceReply r = parse("d8:intervali120e5:peers0:10:tracker id3:abc15:warning message9:slow downe");
        assertThat(r.response().warning()).isEqualTo("slow down");
        assertThat(r.trackerId()).containsExactly('a', 'b', 'c');
        assertThat(r.response().peers()).isEmpty();
    }

    @Test
    void missingIntervalUsesTheDefaultAndTrailingNewlineIsTolerated() throws Exception {
        assertThat(parse("d5:peers0:e\r\n").response().intervalSeconds()).isEqualTo(HttpAnnounceParser.DEFAULT_INTERVAL_SECONDS);
    }

    @Test
    void unsortedKeysAreAccepted() throws Exception {
        assertThat(parse("d8:intervali5e5:peers0:8:completei1ee").response().seeders()).isEqualTo(1);
    }

    @Test
    void hugeIntervalIsBoundedToADay() throws Exception {
        assertThat(parse("d8:intervali99999999999e5:peers0:e").response().intervalSeconds()).isEqualTo(86_400);
    }

    @Test
    void malformedResponsesAreRejectedWithWhatIsWrong() {
        assertThatThrownBy(() -> parse("")).isInstanceOf(TrackerException.class).hasMessageContaining("empty body");
        assertThatThrownBy(() -> parse("<html>nope</html>")).hasMessageContaining("starts with '<'");
        assertThatThrownBy(() -> parse("d8:intervali5e5:peers5:abcdee")).hasMessageContaining("not a whole number of 6-byte");
        assertThatThrownBy(() -> parse("d8:intervali5e6:peers67:abcdefge")).hasMessageContaining("not a whole number of 18-byte");
        assertThatThrownBy(() -> parse("d8:interval3:abce")).hasMessageContaining("'interval' is not an integer");
        assertThatThrownBy(() -> parse("d8:intervali-5ee")).hasMessageContaining("'interval' is negative");
        assertThatThrownBy(() -> parse("d8:completei-1ee")).hasMessageContaining("'complete' is negative");
        assertThatThrownBy(() -> parse("d5:peersi3ee")).hasMessageContaining("neither a string nor a list");
        assertThatThrownBy(() -> parse("d5:peersli1eee")).hasMessageContaining("peer entry 0 is not a dictionary");
        assertThatThrownBy(() -> parse("d5:peersld4:porti1eeee")).hasMessageContaining("peer entry 0 has no string 'ip'");
        assertThatThrownBy(() -> parse("d5:peersld2:ip7:1.2.3.44:porti70000eeee")).hasMessageContaining("has port 70000");
        assertThatThrownBy(() -> parse("d8:intervali5ee garbage")).hasMessageContaining("trailing bytes");
        assertThatThrownBy(() -> parse("d8:intervali5e")).isInstanceOf(TrackerException.class).hasMessageContaining("invalid bencode");
        assertThatThrownBy(() -> parse("d14:failure reasoni1ee")).hasMessageContaining("'failure reason' is not a string");
    }

    @Test
    void literalAddressNeverResolvesNames() {
        assertThat(HttpAnnounceParser.literalAddress("localhost")).isNull();
        assertThat(HttpAnnounceParser.literalAddress("1.2.3.256")).isNull();
        assertThat(HttpAnnounceParser.literalAddress("1:::2:::3")).isNull();
        assertThat(HttpAnnounceParser.literalAddress("01.2.3.4")).isNull();
        assertThat(HttpAnnounceParser.literalAddress("::1").isLoopbackAddress()).isTrue();
        assertThat(HttpAnnounceParser.literalAddress("8.8.4.4").getHostAddress()).isEqualTo("8.8.4.4");
    }
}
