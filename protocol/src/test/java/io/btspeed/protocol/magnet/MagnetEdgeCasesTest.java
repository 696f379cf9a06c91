package io.btspeed.protocol.magnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MagnetEdgeCasesTest {
    static final String HEX = "742e9718f12e55556ac6c48f0525b425acc5036e";
    // the same 20 bytes in RFC 4648 base32
    static final String B32 = "OQXJOGHRFZKVK2WGYSHQKJNUEWWMKA3O";

    @Test
    void hexAndBase32NameTheSameHashInAnyCase() {
        MagnetUri hex = MagnetUri.parse("magnet:?xt=urn:btih:" + HEX);
        assertThat(MagnetUri.parse("MAGNET:?XT=URN:BTIH:" + HEX.toUpperCase()).infoHash()).isEqualTo(hex.infoHash());
        assertThat(MagnetUri.parse("magnet:?xt=urn:btih:" + B32).infoHash()).isEqualTo(hex.infoHash());
        assertThat(MagnetUri.parse("magnet:?xt=urn:btih:" + B32.toLowerCase()).infoHash()).isEqualTo(hex.infoHash());
    }

    @Test
    void percentDecodingIsUtf8AndKeepsUnescapedCharacters() {
        MagnetUri m = MagnetUri.parse("magnet:?xt=urn:btih:" + HEX + "&dn=na%C3%AFve%20%E2%9C%93+x&tr=udp%3A%2F%2Ft%3A80%2Fa%3Fb%3Dc");
        assertThat(m.displayName()).isEqualTo("naïve ✓ x");
        assertThat(m.trackers()).containsExactly("udp://t:80/a?b=c");
        // characters outside the BMP, typed without escaping, survive as they are
        assertThat(MagnetUri.parse("magnet:?xt=urn:btih:" + HEX + "&dn=a😀b").displayName()).isEqualTo("a😀b");
    }

    @Test
    void trackersKeepOrderAndNumberedKeysCount() {
        MagnetUri m = MagnetUri.parse("magnet:?xt.1=urn:btih:" + HEX + "&tr.1=http://a/1&tr=http://b/2&tr.2=http://c/3&tr=");
        assertThat(m.trackers()).containsExactly("http://a/1", "http://b/2", "http://c/3");
        assertThat(m.infoHash().hex()).isEqualTo(HEX);
    }

    @Test
    void hybridLinksUseTheBtihAndV2OnlyLinksSayWhy() {
        String btmh = "urn:btmh:1220" + "ab".repeat(32);
        assertThat(MagnetUri.parse("magnet:?xt=" + btmh + "&xt=urn:btih:" + HEX).infoHash().hex()).isEqualTo(HEX);
        assertThatThrownBy(() -> MagnetUri.parse("magnet:?xt=" + btmh)).isInstanceOf(MagnetException.class)
                .hasMessageContaining("v2-only");
    }

    @Test
    void peerAddressesAreCheckedButNeverResolved() {
        MagnetUri m = MagnetUri.parse("magnet:?xt=urn:btih:" + HEX
                + "&x.pe=10.0.0.1:1&x.pe=%5B2001%3Adb8%3A%3A1%5D%3A65535&x.pe=peer.example:6881");
        assertThat(m.peers()).containsExactly("10.0.0.1:1", "[2001:db8::1]:65535", "peer.example:6881");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.2.3.4:0", "1.2.3.4:65536", "1.2.3.4:", ":80", "1.2.3.4:8x", "[::1:80", "[]:80", "a b:80",
            "h/x:80", "1.2.3.4:123456"})
    void badPeerAddressesAreRefused(String pe) {
        assertThatThrownBy(() -> MagnetUri.parse("magnet:?xt=urn:btih:" + HEX + "&x.pe=" + pe))
                .isInstanceOf(MagnetException.class).hasMessageContaining("x.pe");
    }

    @Test
    void toUriRoundTripsEverything() {
        MagnetUri m = new MagnetUri(io.btspeed.protocol.metainfo.InfoHash.fromHex(HEX), "a&b=c d+ü",
                List.of("http://t/a?x=1&y=2", "udp://u:1"), List.of("[::1]:7000", "1.2.3.4:5"));
        assertThat(MagnetUri.parse(m.toUri())).isEqualTo(m);
        assertThat(m.toUri()).startsWith("magnet:?xt=urn:btih:" + HEX + "&dn=");
    }
}
