package io.btspeed.engine.net;

import io.btspeed.protocol.bencode.BBytes;
import io.btspeed.protocol.bencode.BDict;
import io.btspeed.protocol.bencode.BInt;
import io.btspeed.protocol.bencode.BList;
import io.btspeed.protocol.bencode.Bencode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HttpAnnounceTest {
    @Test
    void compactPeersAndIntervalAreRead() throws Exception {
        byte[] body = Bencode.encode(BDict.builder().put("interval", new BInt(900))
                .put("peers", new BBytes(new byte[]{10, 0, 0, 1, 0x1a, (byte) 0xe1, 127, 0, 0, 2, 0, 80})).build());
        HttpAnnounce.Result r = HttpAnnounce.parse(body, "t");
        assertThat(r.intervalSeconds()).isEqualTo(900);
        assertThat(r.peers()).containsExactly(new InetSocketAddress(InetAddress.getByAddress(new byte[]{10, 0, 0, 1}), 6881),
                new InetSocketAddress(InetAddress.getByAddress(new byte[]{127, 0, 0, 2}), 80));
    }

    @Test
    void dictionaryPeersWithHostnamesAreIgnoredAndIntervalClamped() throws Exception {
        byte[] body = Bencode.encode(BDict.builder().put("interval", new BInt(1))
                .put("peers", new BList(List.of(
                        BDict.builder().put("ip", BBytes.of("evil.example")).put("port", new BInt(1)).build(),
                        BDict.builder().put("ip", BBytes.of("192.0.2.7")).put("port", new BInt(7000)).build(),
                        BDict.builder().put("ip", BBytes.of("192.0.2.8")).put("port", new BInt(70000)).build()))).build());
        HttpAnnounce.Result r = HttpAnnounce.parse(body, "t");
        assertThat(r.intervalSeconds()).isEqualTo(30);
        assertThat(r.peers()).containsExactly(new InetSocketAddress(InetAddress.getByAddress(new byte[]{(byte) 192, 0, 2, 7}), 7000));
    }

    @Test
    void failuresAndMalformedListsAreErrors() {
        byte[] failure = Bencode.encode(BDict.builder().put("failure reason", BBytes.of("unregistered torrent")).build());
        assertThatThrownBy(() -> HttpAnnounce.parse(failure, "t")).isInstanceOf(IOException.class).hasMessageContaining("unregistered torrent");
        byte[] ragged = Bencode.encode(BDict.builder().put("peers", new BBytes(new byte[7])).build());
        assertThatThrownBy(() -> HttpAnnounce.parse(ragged, "t")).isInstanceOf(IOException.class).hasMessageContaining("multiple of 6");
        assertThatThrownBy(() -> HttpAnnounce.parse("<html>".getBytes(StandardCharsets.US_ASCII), "t")).isInstanceOf(IOException.class);
    }

    @Test
    void bytesArePercentEncoded() {
        assertThat(HttpAnnounce.escape(new byte[]{'a', '-', 0, (byte) 0xff, ' '})).isEqualTo("a-%00%FF%20");
    }
}
