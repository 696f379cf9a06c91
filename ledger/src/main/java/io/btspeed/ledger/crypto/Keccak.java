package io.btspeed.ledger.crypto;

import org.bouncycastle.crypto.digests.KeccakDigest;

/**
 * Keccak-256 as Ethereum and TRON use it: the original Keccak padding, not the FIPS-202 SHA3-256
 * padding, which is why the JDK's "SHA3-256" cannot be used here.
 */
public final class Keccak {
    private Keccak() {}

    public static byte[] keccak256(byte[]... parts) {
        KeccakDigest d = new KeccakDigest(256);
        for (byte[] p : parts) {
            d.update(p, 0, p.length);
        }
        byte[] out = new byte[32];
        d.doFinal(out, 0);
        return out;
    }
}
