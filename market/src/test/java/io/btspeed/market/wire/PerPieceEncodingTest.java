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

    @Test
    void receivedPaymentsAndAcksReadAsTheGenericDecoderReadsThem() {
        var key = io.btspeed.ledger.crypto.KeyPair.generate(new java.security.SecureRandom());
        long seed = 0x5eed_0003L;
        Random r = new Random(seed);
        for (int i = 0; i < 300; i++) {
            byte[] ch = bytes(r, 32);
            long seq = 1 + (value(r, i) & 0x7fff_ffff_ffffL), amt = value(r, i + 1);
            byte[] sig = new io.btspeed.ledger.op.ChannelState(ch, seq, amt).sign(key).signature().encode();
            for (SpeedMessage m : new SpeedMessage[] {new SpeedMessage.Payment(ch, seq, amt, sig), new SpeedMessage.Ack(ch, seq, amt)}) {
                byte[] wire = SpeedCodec.encode(m);
                assertThat(SpeedCodec.decode(wire)).as("seed %x, case %d", seed, i).isEqualTo(m).isEqualTo(SpeedCodec.decodeGeneric(wire));
                // hostile variants: whatever the generic decoder makes of them, the decoder with the direct path makes too
                for (int k = 0; k < 20; k++) sameVerdict(mutate(r, wire), seed, i);
            }
        }
    }

    @Test
    void nonCanonicalSpellingsAreLeftToTheGenericDecoder() {
        String ch = "\0".repeat(32);
        for (String s : new String[] {
                "d2:ch32:" + ch + "4:owedi007e3:seqi1e1:t3:acke",          // leading zeros
                "d2:ch32:" + ch + "4:owedi-7e3:seqi1e1:t3:acke",           // negative
                "d2:ch32:" + ch + "4:owedi5e3:seqi0e1:t3:acke",            // sequence 0
                "d2:ch32:" + ch + "4:owedi99999999999999999999e3:seqi1e1:t3:acke", // too large for a long
                "d2:ch32:" + ch + "4:owedi1234567890123456789e3:seqi1e1:t3:acke",  // 19 digits, fits: generic path
                "d2:ch32:" + ch + "4:owedi5e3:seqi1e1:t3:ackee",           // trailing byte
                "d2:ch31:" + ch.substring(1) + "4:owedi5e3:seqi1e1:t3:acke", // short channel id
                "d2:ch032:" + ch + "4:owedi5e3:seqi1e1:t3:acke",           // length with a leading zero
                "d4:owedi5e2:ch32:" + ch + "3:seqi1e1:t3:acke",            // keys out of order
        }) {
            byte[] wire = s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            assertThat(PerPieceEncoding.readAck(wire)).as(s).isNull();
            sameVerdict(wire, 0, 0);
        }
    }

    private static void sameVerdict(byte[] wire, long seed, int i) {
        Object generic, direct;
        try {
            generic = SpeedCodec.decodeGeneric(wire);
        } catch (MarketProtocolException e) {
            generic = e.getMessage();
        }
        try {
            direct = SpeedCodec.decode(wire);
        } catch (MarketProtocolException e) {
            direct = e.getMessage();
        }
        assertThat(direct).as("seed %x, case %d: %s", seed, i, HexFormat.of().formatHex(wire)).isEqualTo(generic);
    }

    /** Flips, drops, inserts or changes a digit byte, or truncates. */
    private static byte[] mutate(Random r, byte[] in) {
        byte[] b = in.clone();
        int at = r.nextInt(b.length);
        return switch (r.nextInt(5)) {
            case 0 -> { b[at] ^= (byte) (1 << r.nextInt(8)); yield b; }
            case 1 -> java.util.Arrays.copyOf(b, at);
            case 2 -> { byte[] o = new byte[b.length - 1]; System.arraycopy(b, 0, o, 0, at); System.arraycopy(b, at + 1, o, at, b.length - at - 1); yield o; }
            case 3 -> { byte[] o = new byte[b.length + 1]; System.arraycopy(b, 0, o, 0, at); o[at] = (byte) "0123456789ie:-".charAt(r.nextInt(14)); System.arraycopy(b, at, o, at + 1, b.length - at); yield o; }
            default -> { if (b[at] >= '0' && b[at] <= '9') b[at] = (byte) ('0' + r.nextInt(10)); yield b; }
        };
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
