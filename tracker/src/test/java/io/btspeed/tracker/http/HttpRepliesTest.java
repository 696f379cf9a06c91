package io.btspeed.tracker.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.btspeed.protocol.bencode.BDict;
import io.btspeed.protocol.bencode.Bencode;
import io.btspeed.tracker.AnnounceResult;
import io.btspeed.tracker.PeerEntry;
import java.net.InetAddress;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class HttpRepliesTest {
    static final byte[] ID = "-BT0001-abcdefghijkl".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    @Test
    void compactRepliesSplitIpv4AndIpv6Peers() {
        var ok = new AnnounceResult.Accepted(1800, 300, 2, 1, List.of(
                new PeerEntry(ID, InetAddress.ofLiteral("10.1.2.3"), 0x1ae1),
                new PeerEntry(ID, InetAddress.ofLiteral("2001:db8::1"), 6882)));
        BDict d = (BDict) Bencode.decode(HttpReplies.announce(ok, true, false));
        assertThat(HexFormat.of().formatHex(d.bytes("peers"))).isEqualTo("0a0102031ae1");
        assertThat(HexFormat.of().formatHex(d.bytes("peers6"))).isEqualTo("20010db80000000000000000000000011ae2");
        assertThat(d.integer("complete")).isEqualTo(2);
        assertThat(d.integer("incomplete")).isEqualTo(1);
        assertThat(d.integer("interval")).isEqualTo(1800);
        assertThat(d.integer("min interval")).isEqualTo(300);
    }

    @Test
    void dictionaryRepliesCarryIpTextPortAndOptionallyThePeerId() {
        var ok = new AnnounceResult.Accepted(60, 30, 0, 1, List.of(new PeerEntry(ID, InetAddress.ofLiteral("2001:db8::1"), 6882)));
        BDict p = (BDict) ((BDict) Bencode.decode(HttpReplies.announce(ok, false, false))).list("peers").items().getFirst();
        assertThat(p.string("ip")).isEqualTo("2001:db8:0:0:0:0:0:1");
        assertThat(p.integer("port")).isEqualTo(6882);
        assertThat(p.bytes("peer id")).isEqualTo(ID);
        BDict q = (BDict) ((BDict) Bencode.decode(HttpReplies.announce(ok, false, true))).list("peers").items().getFirst();
        assertThat(q.has("peer id")).isFalse();
    }

    @Test
    void failureIsASingleReason() {
        assertThat(new String(HttpReplies.failure("nope"), java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo("d14:failure reason4:nopee");
    }
}
