package io.btspeed.market.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.btspeed.protocol.ProtocolException;
import io.btspeed.protocol.bencode.Bencode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpeedCodecTest {
    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void everyMessageRoundTrips() {
        byte[] ch = new byte[32];
        ch[3] = 9;
        byte[] sig = new byte[64];
        sig[63] = 1;
        for (SpeedMessage m : List.of(new SpeedMessage.BidMsg(1500), new SpeedMessage.BidMsg(0),
                new SpeedMessage.Result(7, true, 1200, "lowest-winning", 2),
                new SpeedMessage.ChannelOpened(ch, 5_000_000, 1_800_000_000_000L),
                new SpeedMessage.Ack(ch, 4, 0), new SpeedMessage.Error(3, "stale sequence"))) {
            SpeedMessage back = SpeedCodec.decode(SpeedCodec.encode(m));
            assertThat(back).usingRecursiveComparison().isEqualTo(m);
        }
        SpeedMessage.Payment p = (SpeedMessage.Payment) SpeedCodec.decode(SpeedCodec.encode(new SpeedMessage.Payment(ch, 5, 42, sig)));
        assertThat(p.sequence()).isEqualTo(5);
        assertThat(p.signature()).isEqualTo(sig);
        SpeedMessage.Hello h = new SpeedMessage.Hello(1, "sqlite:shared", "BTT", 6, new byte[20], new byte[64],
                List.of("lowest-winning", "highest-losing"), 1);
        assertThat(SpeedCodec.decodeHello(Bencode.decode(SpeedCodec.encode(h)))).usingRecursiveComparison().isEqualTo(h);
    }

    @Test
    void hostileInputIsRejectedWithAReason() {
        assertThatThrownBy(() -> SpeedCodec.decode(b("d5:pricei-5e1:t3:bide"))).isInstanceOf(ProtocolException.class).hasMessageContaining("negative");
        assertThatThrownBy(() -> SpeedCodec.decode(b("d5:pricei5e1:t3:bid1:xi1ee"))).hasMessageContaining("unexpected key");
        assertThatThrownBy(() -> SpeedCodec.decode(b("d1:t3:paye"))).hasMessageContaining("lacks");
        assertThatThrownBy(() -> SpeedCodec.decode(b("d1:t4:nopee"))).hasMessageContaining("unknown");
        assertThatThrownBy(() -> SpeedCodec.decode(b("li1ee"))).hasMessageContaining("dictionary");
        assertThatThrownBy(() -> SpeedCodec.decode(new byte[2000])).hasMessageContaining("exceeds");
        assertThatThrownBy(() -> SpeedCodec.decode(b("d2:ch3:abc3:seqi1e3:sig64:" + "x".repeat(64) + "1:t3:pay3:amti1ee")))
                .isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> SpeedCodec.decode(b("d5:pricei99999999999999999999e1:t3:bide"))).isInstanceOf(ProtocolException.class);
    }

    /** Arbitrary bytes: either a message or a ProtocolException, never anything else. */
    @FuzzTest(maxDuration = "10s")
    void fuzzDecode(byte[] data) {
        try {
            SpeedMessage m = SpeedCodec.decode(data);
            assertThat(SpeedCodec.decode(SpeedCodec.encode(m))).usingRecursiveComparison().isEqualTo(m);
        } catch (ProtocolException expected) {
            // rejected with a reason
        }
    }
}
