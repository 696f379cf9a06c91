package io.btspeed.protocol.magnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class MagnetUriTest {
    static final String HEX = "742e9718f12e55556ac6c48f0525b425acc5036e";

    @Test
    void parsesHexWithNameTrackersAndPeers() {
        MagnetUri m = MagnetUri.parse("magnet:?xt=urn:btih:" + HEX.toUpperCase()
                + "&dn=my%20file+name&tr=http%3A%2F%2Ft%2Fannounce&tr=udp://u:1&x.pe=127.0.0.1:6881&x.pe=[::1]:7000&foo=bar");
        assertThat(m.infoHash().hex()).isEqualTo(HEX);
        assertThat(m.displayName()).isEqualTo("my file name");
        assertThat(m.trackers()).containsExactly("http://t/announce", "udp://u:1");
        assertThat(m.peers()).containsExactly("127.0.0.1:6881", "[::1]:7000");
        assertThat(MagnetUri.parse(m.toUri())).isEqualTo(m);
    }

    @Test
    void parsesBase32() {
        // base32 of the 20 bytes 0x00..0x13
        MagnetUri m = MagnetUri.parse("magnet:?xt=urn:btih:AAAQEAYEAUDAOCAJBIFQYDIOB4IBCEQT");
        assertThat(m.infoHash().hex()).isEqualTo("000102030405060708090a0b0c0d0e0f10111213");
    }

    @Test
    void rejectsWhatIsNotAUsableMagnet() {
        assertThatThrownBy(() -> MagnetUri.parse("http://x")).hasMessageContaining("magnet:?");
        assertThatThrownBy(() -> MagnetUri.parse("magnet:?dn=x")).hasMessageContaining("no 'xt=urn:btih:'");
        assertThatThrownBy(() -> MagnetUri.parse("magnet:?xt=urn:btih:1234")).hasMessageContaining("40 hex digits or 32 base32");
        assertThatThrownBy(() -> MagnetUri.parse("magnet:?xt=urn:btih:" + "z".repeat(40))).hasMessageContaining("not 40 hex");
        assertThatThrownBy(() -> MagnetUri.parse("magnet:?xt=urn:btih:" + "1".repeat(32))).hasMessageContaining("base32");
        assertThatThrownBy(() -> MagnetUri.parse("magnet:?xt=urn:btih:" + HEX + "&dn=%G0")).hasMessageContaining("percent");
        assertThatThrownBy(() -> MagnetUri.parse("magnet:?xt=urn:btih:" + HEX + "&dn=%4")).hasMessageContaining("percent");
        assertThatThrownBy(() -> MagnetUri.parse("magnet:?xt=urn:btih:" + HEX + "&x.pe=nohost")).hasMessageContaining("HOST:PORT");
        assertThatThrownBy(() -> MagnetUri.parse("magnet:?xt=urn:btih:" + HEX + "&xt=urn:btih:" + HEX)).hasMessageContaining("more than one");
        assertThatThrownBy(() -> MagnetUri.parse("magnet:?" + "a".repeat(70_000))).hasMessageContaining("longer");
        assertThat(MagnetUri.parse("magnet:?xt=urn:btih:" + HEX).trackers()).isEqualTo(List.of());
    }
}
