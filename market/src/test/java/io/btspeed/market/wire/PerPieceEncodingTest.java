package io.btspeed.market.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PerPieceEncodingTest {
    private static final long[] EDGES = {0, 1, 9, 10, 99, 100, 123_456_789, Integer.MAX_VALUE, 1L << 32, Long.MAX_VALUE - 1, Long.MAX_VALUE};

    @Test
    void paymentsAreTheBytesTheGenericEncoderWrites() {
        long seed = 0x5eed_0001L;
        Random r = new Random(seed);
        for (int i = 0; i < 2_000; i++) {
            SpeedMessage.Payment p = new SpeedMessage.Payment(bytes(r, 32), value(r, i), value(r, i + 3), bytes(r, 64));
            byte[] direct = SpeedCodec.encode(p);
            assertThat(HexFormat.of().formatHex(direct)).as("seed %x, case %d: %s", seed, i, p)
                    .isEqualTo(HexFormat.of().formatHex(SpeedCodec.encodeGeneric(p)));
        }
    }

    @Test
    void aSignedPaymentSurvivesTheRoundTrip() {
        var key = io.btspeed.ledger.crypto.KeyPair.generate(new java.security.SecureRandom());
        byte[] ch = bytes(new Random(3), 32);
        var signed = new io.btspeed.ledger.op.ChannelState(ch, 12, 345_678).sign(key);
        SpeedMessage.Payment p = new SpeedMessage.Payment(ch, 12, 345_678, signed.signature().encode());
        assertThat(SpeedCodec.decode(SpeedCodec.encode(p))).isEqualTo(p);
    }

    @Test
    void acksAreTheBytesTheGenericEncoderWrites() {
        long seed = 0x5eed_0002L;
        Random r = new Random(seed);
        for (int i = 0; i < 2_000; i++) {
            SpeedMessage.Ack a = new SpeedMessage.Ack(bytes(r, 32), value(r, i), value(r, i + 5));
            byte[] direct = SpeedCodec.encode(a);
            assertThat(HexFormat.of().formatHex(direct)).as("seed %x, case %d: %s", seed, i, a)
                    .isEqualTo(HexFormat.of().formatHex(SpeedCodec.encodeGeneric(a)));
            if (a.sequence() > 0) assertThat(SpeedCodec.decode(direct)).isEqualTo(a);
        }
    }

    @Test
    void negativeNumbersAndOddLengthsAreWrittenAsTheGenericEncoderDoes() {
        // never valid on the wire (the decoder refuses them), but the encoder must not diverge on them either
        for (long v : new long[] {-1, -10, Long.MIN_VALUE}) {
            SpeedMessage.Ack a = new SpeedMessage.Ack(new byte[7], v, v);
            assertThat(SpeedCodec.encode(a)).isEqualTo(SpeedCodec.encodeGeneric(a));
            SpeedMessage.Payment p = new SpeedMessage.Payment(new byte[0], v, v, new byte[130]);
            assertThat(SpeedCodec.encode(p)).isEqualTo(SpeedCodec.encodeGeneric(p));
        }
    }

    @Test
    void aKnownPaymentEncodesAsTheSpecSpellsIt() {
        byte[] ch = new byte[32];
        byte[] sig = new byte[64];
        String expected = "d3:amti1500e2:ch32:" + "\0".repeat(32) + "3:seqi7e3:sig64:" + "\0".repeat(64) + "1:t3:paye";
        assertThat(new String(SpeedCodec.encode(new SpeedMessage.Payment(ch, 7, 1500, sig)), java.nio.charset.StandardCharsets.ISO_8859_1))
                .isEqualTo(expected);
    }

    private static long value(Random r, int i) {
        return switch (i % 3) {
            case 0 -> EDGES[r.nextInt(EDGES.length)];
            case 1 -> r.nextInt(1_000_000);
            default -> r.nextLong() & Long.MAX_VALUE;
        };
    }

    private static byte[] bytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }
}
