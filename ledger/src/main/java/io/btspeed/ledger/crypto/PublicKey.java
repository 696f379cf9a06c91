package io.btspeed.ledger.crypto;

import java.util.Arrays;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;

/**
 * A validated secp256k1 public key. Decoding and validating the point once, and keeping the same
 * point object, lets BouncyCastle reuse its per-point precomputation across many verifications of
 * one payer's channel states.
 */
public final class PublicKey {
    private final byte[] raw;
    private final ECPublicKeyParameters params;
    private final Address address;

    private PublicKey(byte[] raw64) {
        this.raw = raw64.clone();
        this.params = new ECPublicKeyParameters(Secp256k1.decodePoint(raw), Secp256k1.DOMAIN);
        this.address = Address.ofPublicKey(raw);
    }

    /** @throws CryptoException if the bytes are not a point on the curve */
    public static PublicKey of(byte[] raw64) {
        return new PublicKey(raw64);
    }

    public byte[] raw() {
        return raw.clone();
    }

    public Address address() {
        return address;
    }

    ECPublicKeyParameters params() {
        return params;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PublicKey p && Arrays.equals(raw, p.raw);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(raw);
    }
}
