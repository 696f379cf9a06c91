package io.btspeed.engine.tracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class UdpTrackerPacketsTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void connectRequestLayout() {
        assertThat(HEX.formatHex(UdpTrackerPackets.connectRequest(0x01020304)))
                .isEqualTo("0000041727101980" + "00000000" + "01020304");
    }

    @Test
    void announceRequestLayoutIs98BytesInBep15Order() {
        AnnounceRequest r = new AnnounceRequest(HttpAnnounceQueryTest.HASH, HttpAnnounceQueryTest.PEER_ID, 6881, 10, 20, 30,
                AnnounceEvent.STARTED, -1, 0x00ab12cd);
        byte[] p = UdpTrackerPackets.announceRequest(0x1122334455667788L, 7, r, new byte[0]);
        assertThat(p).hasSize(98);
        ByteBuffer b = ByteBuffer.wrap(p);
        assertThat(b.getLong()).isEqualTo(0x1122334455667788L);
        assertThat(b.getInt()).isEqualTo(1);
        assertThat(b.getInt()).isEqualTo(7);
        byte[] hash = new byte[20];
        b.get(hash);
        assertThat(hash).isEqualTo(HttpAnnounceQueryTest.HASH.bytes());
        byte[] pid = new byte[20];
        b.get(pid);
        assertThat(pid).isEqualTo(HttpAnnounceQueryTest.PEER_ID);
        assertThat(b.getLong()).as("downloaded").isEqualTo(20);
        assertThat(b.getLong()).as("left").isEqualTo(30);
        assertThat(b.getLong()).as("uploaded").isEqualTo(10);
        assertThat(b.getInt()).as("event started").isEqualTo(2);
        assertThat(b.getInt()).as("ip").isZero();
        assertThat(b.getInt()).as("key").isEqualTo(0x00ab12cd);
        assertThat(b.getInt()).as("num_want").isEqualTo(-1);
        assertThat(b.getShort() & 0xffff).isEqualTo(6881);
        assertThat(b.hasRemaining()).isFalse();
    }

    @Test
    void urlDataOptionIsChunkedAt255Bytes() {
        AnnounceRequest r = HttpAnnounceQueryTest.request(AnnounceEvent.NONE);
        byte[] url = ("/announce?passkey=" + "k".repeat(300)).getBytes(StandardCharsets.US_ASCII); // 318 bytes
        byte[] p = UdpTrackerPackets.announceRequest(1, 2, r, url);
        assertThat(p).hasSize(98 + 2 + 255 + 2 + 63);
        assertThat(p[98]).isEqualTo((byte) 2);
        assertThat(p[99] & 0xff).isEqualTo(255);
        assertThat(p[98 + 2 + 255]).isEqualTo((byte) 2);
        assertThat(p[98 + 2 + 255 + 1] & 0xff).isEqualTo(63);
        byte[] joined = new byte[318];
        System.arraycopy(p, 100, joined, 0, 255);
        System.arraycopy(p, 98 + 2 + 255 + 2, joined, 255, 63);
        assertThat(joined).isEqualTo(url);
    }

    @Test
    void repliesDecode() throws Exception {
        assertThat(UdpTrackerPackets.decode(HEX.parseHex("00000000" + "0000002a" + "cafebabedeadbeef"), 16, 4))
                .isEqualTo(new UdpReply.Connect(42, 0xcafebabedeadbeefL));
        byte[] ann = HEX.parseHex("00000001" + "00000005" + "00000708" + "00000003" + "00000009" + "7f0000011ae1" + "0a000002ffff");
        assertThat(UdpTrackerPackets.decode(ann, ann.length, 4)).isEqualTo(new UdpReply.Announce(5, 1800, 3, 9,
                List.of(new InetSocketAddress("127.0.0.1", 6881), new InetSocketAddress("10.0.0.2", 65535))));
        byte[] err = HEX.parseHex("00000003" + "00000006" + HEX.formatHex("unregistered torrent\n".getBytes(StandardCharsets.UTF_8)));
        assertThat(UdpTrackerPackets.decode(err, err.length, 4)).isEqualTo(new UdpReply.Error(6, "unregistered torrent"));
    }

    @Test
    void ipv6TrackerRepliesCarry18BytePeers() throws Exception {
        UdpReply.Announce a = new UdpReply.Announce(1, 60, 0, 1, List.of(new InetSocketAddress("2001:db8::5", 51413)));
        byte[] p = UdpTrackerPackets.encode(a);
        assertThat(p).hasSize(38);
        assertThat(UdpTrackerPackets.decode(p, p.length, 16)).isEqualTo(a);
        byte[] odd = java.util.Arrays.copyOf(p, p.length - 2);
        assertThatThrownBy(() -> UdpTrackerPackets.decode(odd, odd.length, 16)).hasMessageContaining("16 bytes is not a whole number of 18-byte");
    }

    @Test
    void onlyTheReceivedLengthIsRead() throws Exception {
        byte[] buf = new byte[64];
        byte[] ann = UdpTrackerPackets.encode(new UdpReply.Announce(9, 30, 1, 2, List.of()));
        System.arraycopy(ann, 0, buf, 0, ann.length);
        buf[30] = 1; // junk beyond the datagram
        assertThat(UdpTrackerPackets.decode(buf, ann.length, 4)).isEqualTo(new UdpReply.Announce(9, 30, 1, 2, List.of()));
    }

    @Test
    void badRepliesAreRejected() {
        assertThatThrownBy(() -> UdpTrackerPackets.decode(new byte[7], 7, 4)).hasMessageContaining("shorter than its 8-byte header");
        assertThatThrownBy(() -> UdpTrackerPackets.decode(HEX.parseHex("000000000000000100"), 9, 4))
                .hasMessageContaining("connect reply of 9 bytes");
        assertThatThrownBy(() -> UdpTrackerPackets.decode(HEX.parseHex("0000000100000001000000"), 11, 4))
                .hasMessageContaining("announce reply of 11 bytes");
        byte[] odd = HEX.parseHex("00000001" + "00000001" + "0000003c" + "00000000" + "00000000" + "0102030405");
        assertThatThrownBy(() -> UdpTrackerPackets.decode(odd, odd.length, 4)).hasMessageContaining("5 bytes is not a whole number");
        assertThatThrownBy(() -> UdpTrackerPackets.decode(HEX.parseHex("ffffffff00000001"), 8, 4))
                .hasMessageContaining("unknown action 4294967295");
    }

    @Test
    void unsignedCountsAreClamped() throws Exception {
        byte[] ann = HEX.parseHex("00000001" + "00000001" + "ffffffff" + "80000000" + "00000000");
        assertThat(UdpTrackerPackets.decode(ann, ann.length, 4))
                .isEqualTo(new UdpReply.Announce(1, Integer.MAX_VALUE, Integer.MAX_VALUE, 0, List.of()));
    }
}
