package io.btspeed.market.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.btspeed.ledger.crypto.KeyPair;
import io.btspeed.ledger.crypto.PublicKey;
import io.btspeed.ledger.op.ChannelState;
import io.btspeed.market.pay.Pricing;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The examples in docs/spec/speed-extension.md §10 are what the code produces. */
class SpecVectorsTest {
    static final HexFormat HEX = HexFormat.of();

    @Test
    void thePaymentStateExample() {
        KeyPair key = KeyPair.fromPrivateKey(BigInteger.ONE);
        byte[] ch = new byte[32];
        for (int i = 0; i < 32; i++) ch[i] = (byte) (i + 1);
        ChannelState st = new ChannelState(ch, 1, Pricing.cost(1_048_576, 256 * 1024));
        assertThat(st.cumulativeAmount()).isEqualTo(262_144);
        assertThat(HEX.formatHex(key.address().bytes())).isEqualTo("7e5f4552091a69125d5dfcb7b8c2659029395bdf");
        assertThat(HEX.formatHex(st.digest())).isEqualTo("a652167544a9e2ff975caa3396a5e2f4f51395bf3dff11dbeebea66e57531f2a");
        ChannelState.Signed s = st.sign(key);
        assertThat(HEX.formatHex(s.signature().encode())).isEqualTo("9546d88263050b7573285917230be70542b33312f736d204f3087093be98788b"
                + "0833158a905b9c67dd10f7e26699d1bcafe43dd50b48aa4f45ed33fa98bc6d22");
        assertThat(s.verify(PublicKey.of(key.publicKey()))).isTrue();
    }

    @Test
    void theSpecShowsTheseExactStrings() throws Exception {
        Path spec = Path.of("..", "docs", "spec", "speed-extension.md");
        String text = Files.readString(spec, StandardCharsets.UTF_8);
        for (SpeedMessage m : new SpeedMessage[] {new SpeedMessage.BidMsg(1500),
                new SpeedMessage.Result(7, true, 1200, "lowest-winning", 2), new SpeedMessage.Error(3, "stale sequence")}) {
            assertThat(text).contains("    " + new String(SpeedCodec.encode(m), StandardCharsets.ISO_8859_1) + "\n");
        }
        assertThat(text).contains("a652167544a9e2ff975caa3396a5e2f4f51395bf3dff11dbeebea66e57531f2a");
        for (ErrorCode c : ErrorCode.values()) assertThat(text).contains("| " + c.code() + " | " + c.name().toLowerCase().replace('_', ' ') + " |");
    }
}
