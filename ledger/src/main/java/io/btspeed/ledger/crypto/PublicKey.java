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

    /** Recently seen keys: the same key object keeps BouncyCastle's precomputed tables for its point. */
    private static final int CACHE_SIZE = 4096;
    private static final java.util.Map<java.nio.ByteBuffer, PublicKey> CACHE = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(256, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(java.util.Map.Entry<java.nio.ByteBuffer, PublicKey> e) {
                    return size() > CACHE_SIZE;
                }
            });

    /**
     * The key for 64 raw bytes, validated. A payee checks many states from one payer and a ledger
     * many operations from one sender; returning the same object for the same key lets every
     * verification after the first reuse the point's precomputation.
     *
     * @throws CryptoException if the bytes are not a point on the curve
     */
    public static PublicKey of(byte[] raw64) {
        if (raw64 == null || raw64.length != 64) return new PublicKey(raw64); // throws with the reason
        java.nio.ByteBuffer k = java.nio.ByteBuffer.wrap(raw64.clone());
        PublicKey p = CACHE.get(k);
        if (p == null) {
            p = new PublicKey(raw64);
            CACHE.put(k, p);
        }
        return p;
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
