package io.btspeed.engine.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import io.btspeed.protocol.metainfo.InfoHash;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HttpAnnounceQueryTest {
    static final InfoHash HASH = InfoHash.fromHex("123456789abcdef123456789abcdef123456789a");
    static final byte[] PEER_ID = "-BS0001-\u0000\u00ff ~.-_aZ09!".getBytes(StandardCharsets.ISO_8859_1);

    static AnnounceRequest request(AnnounceEvent e) {
        return new AnnounceRequest(HASH, PEER_ID, 6881, 10, 20, 30, e, 50, 0x00ab12cd);
    }

    @Test
    void infoHashAndPeerIdArePercentEncodedBytes() {
        String url = HttpAnnounceQuery.build("http://t.example:8080/announce", request(AnnounceEvent.STARTED), null);
        assertThat(url).isEqualTo("http://t.example:8080/announce?info_hash=%124Vx%9A%BC%DE%F1%23Eg%89%AB%CD%EF%124Vx%9A"
                + "&peer_id=-BS0001-%00%FF%20~.-_aZ09%21&port=6881&uploaded=10&downloaded=20&left=30&compact=1&no_peer_id=1"
                + "&event=started&numwant=50&key=00ab12cd");
        // and decoding it gives back the exact bytes
        assertThat(percentDecode(url.replaceAll(".*info_hash=([^&]*).*", "$1"))).isEqualTo(HASH.bytes());
        assertThat(percentDecode(url.replaceAll(".*&peer_id=([^&]*).*", "$1"))).isEqualTo(PEER_ID);
    }

    @Test
    void everyByteValueRoundTrips() {
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) all[i] = (byte) i;
        String enc = HttpAnnounceQuery.percentEncode(all);
        assertThat(enc).matches("[A-Za-z0-9._~%-]+");
        assertThat(percentDecode(enc)).isEqualTo(all);
    }

    @Test
    void existingQueryIsKeptFragmentDroppedNoEventForRegularAnnounces() {
        String url = HttpAnnounceQuery.build("https://t.example/a?passkey=s3cr3t#frag", request(AnnounceEvent.NONE),
                new byte[] {'i', 'd', ' '});
        assertThat(url).startsWith("https://t.example/a?passkey=s3cr3t&info_hash=");
        assertThat(url).doesNotContain("event=").doesNotContain("#frag").endsWith("&trackerid=id%20");
    }

    static byte[] percentDecode(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.write(c);
            }
        }
        return out.toByteArray();
    }
}
