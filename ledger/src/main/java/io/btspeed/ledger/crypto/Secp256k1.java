package io.btspeed.ledger.crypto;

import java.math.BigInteger;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;

/** secp256k1 ECDSA over 32-byte digests through BouncyCastle: deterministic k (RFC 6979), low-S. */
public final class Secp256k1 {
    // the "custom" curve uses BC's optimised field arithmetic for secp256k1
    private static final X9ECParameters PARAMS = CustomNamedCurves.getByName("secp256k1");
    static final ECDomainParameters DOMAIN =
            new ECDomainParameters(PARAMS.getCurve(), PARAMS.getG(), PARAMS.getN(), PARAMS.getH());
    public static final BigInteger N = PARAMS.getN();
    static final BigInteger HALF_N = N.shiftRight(1);

    private Secp256k1() {}

    static ECPoint publicPoint(BigInteger priv) {
        return new FixedPointCombMultiplier().multiply(DOMAIN.getG(), priv).normalize();
    }

    /**
     * Signs a 32-byte digest: libsecp256k1 when it loads (about 4× faster: a payer signs one state
     * per verified piece), else BouncyCastle. Both derive k by RFC 6979 and return the low-S form,
     * so they produce the same signature (checked when the native library loads, and in the tests).
     */
    public static Signature sign(BigInteger priv, byte[] digest32) {
        checkDigest(digest32);
        if (NativeSecp256k1.available()) {
            byte[] sig = NativeSecp256k1.sign(digest32, toBytes32(priv));
            if (sig != null) return Signature.decode(sig);
        }
        return signBouncyCastle(priv, digest32);
    }

    static Signature signBouncyCastle(BigInteger priv, byte[] digest32) {
        checkDigest(digest32);
        ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
        signer.init(true, new ECPrivateKeyParameters(priv, DOMAIN));
        BigInteger[] rs = signer.generateSignature(digest32);
        BigInteger s = rs[1];
        if (s.compareTo(HALF_N) > 0) {
            s = N.subtract(s); // (r, n-s) is equally valid; the low form is the canonical one
        }
        return new Signature(rs[0], s);
    }

    /** Verifies against a 64-byte raw public key (X ‖ Y); false for any malformed key rather than an exception. */
    public static boolean verify(byte[] rawPublicKey64, byte[] digest32, Signature sig) {
        checkDigest(digest32);
        ECPoint q;
        try {
            q = decodePoint(rawPublicKey64);
        } catch (CryptoException e) {
            return false;
        }
        ECDSASigner verifier = new ECDSASigner();
        verifier.init(false, new ECPublicKeyParameters(q, DOMAIN));
        return verifier.verifySignature(digest32, sig.r(), sig.s());
    }

    /**
     * Verifies against an already validated key (the fast path for repeated verification), with
     * libsecp256k1 when it loads. Both paths agree because {@link Signature} only holds low-S
     * values, the only form libsecp256k1 accepts.
     */
    public static boolean verify(PublicKey key, byte[] digest32, Signature sig) {
        checkDigest(digest32);
        if (NativeSecp256k1.available()) return NativeSecp256k1.verify(key.uncompressed(), digest32, sig.encode());
        ECDSASigner verifier = new ECDSASigner();
        verifier.init(false, key.params());
        return verifier.verifySignature(digest32, sig.r(), sig.s());
    }

    static ECPoint decodePoint(byte[] raw64) {
        if (raw64 == null || raw64.length != 64) {
            throw new CryptoException("raw public key must be 64 bytes");
        }
        byte[] enc = new byte[65];
        enc[0] = 0x04;
        System.arraycopy(raw64, 0, enc, 1, 64);
        try {
            ECPoint p = DOMAIN.getCurve().decodePoint(enc);
            if (!p.isValid() || p.isInfinity()) {
                throw new CryptoException("public key is not a point on secp256k1");
            }
            return p;
        } catch (IllegalArgumentException e) {
            throw new CryptoException("public key is not a point on secp256k1", e);
        }
    }

    /** The scalar as exactly 32 big-endian bytes (BigInteger may add a sign byte or drop leading zeros). */
    static byte[] toBytes32(BigInteger v) {
        byte[] b = v.toByteArray();
        byte[] out = new byte[32];
        int n = Math.min(b.length, 32);
        System.arraycopy(b, b.length - n, out, 32 - n, n);
        return out;
    }

    private static void checkDigest(byte[] d) {
        if (d == null || d.length != 32) {
            throw new CryptoException("digest must be 32 bytes");
        }
    }
}
