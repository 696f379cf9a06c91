package io.btspeed.ledger.crypto;

import java.math.BigInteger;
import java.util.Arrays;

/**
 * A secp256k1 ECDSA signature, always in low-S form, encoded as 64 bytes r ‖ s (big-endian, 32 each).
 * Low-S alone is accepted on verify, so a third party cannot make a second valid encoding of the
 * same signature (which would otherwise change an operation's id).
 */
public record Signature(BigInteger r, BigInteger s) {
    public static final int LENGTH = 64;

    public Signature {
        if (r.signum() <= 0 || r.compareTo(Secp256k1.N) >= 0 || s.signum() <= 0 || s.compareTo(Secp256k1.HALF_N) > 0) {
            throw new CryptoException("signature out of range (r, s must be in [1, n) and s low)");
        }
    }

    public byte[] encode() {
        byte[] out = new byte[LENGTH];
        put(r, out, 0);
        put(s, out, 32);
        return out;
    }

    public static Signature decode(byte[] b) {
        if (b == null || b.length != LENGTH) {
            throw new CryptoException("signature must be 64 bytes, got " + (b == null ? "null" : b.length));
        }
        return new Signature(new BigInteger(1, Arrays.copyOfRange(b, 0, 32)), new BigInteger(1, Arrays.copyOfRange(b, 32, 64)));
    }

    private static void put(BigInteger v, byte[] out, int off) {
        byte[] raw = v.toByteArray();
        int start = raw.length > 32 ? raw.length - 32 : 0;
        int len = raw.length - start;
        System.arraycopy(raw, start, out, off + 32 - len, len);
    }
}
