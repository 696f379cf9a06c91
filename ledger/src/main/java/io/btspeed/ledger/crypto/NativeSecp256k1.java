package io.btspeed.ledger.crypto;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ECDSA signing and verification through bitcoin-core's libsecp256k1 (ACINQ's maintained JNI
 * binding), several times faster than BouncyCastle — a payer signs and a payee verifies one state
 * per piece, and the ledger verifies one signature per operation. Where the native library cannot load (another OS or CPU), callers fall
 * back to BouncyCastle, which accepts exactly the same (low-S) signatures.
 */
final class NativeSecp256k1 {
    private static final Logger log = LoggerFactory.getLogger(NativeSecp256k1.class);
    private static final fr.acinq.secp256k1.Secp256k1 LIB = load();

    private NativeSecp256k1() {}

    private static fr.acinq.secp256k1.Secp256k1 load() {
        if (Boolean.getBoolean("btspeed.noNativeSecp256k1")) return null;
        try {
            fr.acinq.secp256k1.Secp256k1 lib = fr.acinq.secp256k1.Secp256k1.get();
            // self-check on a fixed vector before trusting it
            KeyPair k = KeyPair.fromPrivateKey(java.math.BigInteger.valueOf(7));
            byte[] digest = Keccak.keccak256(new byte[] {1, 2, 3});
            Signature sig = Secp256k1.signBouncyCastle(java.math.BigInteger.valueOf(7), digest);
            byte[] pub = uncompressed(k.publicKey());
            byte[] nativeSig = lib.sign(digest, Secp256k1.toBytes32(java.math.BigInteger.valueOf(7)), null);
            if (!lib.verify(sig.encode(), digest, pub) || lib.verify(sig.encode(), Keccak.keccak256(new byte[] {4}), pub)
                    || !java.util.Arrays.equals(nativeSig, sig.encode())) {
                log.warn("native secp256k1 failed its self-check; using BouncyCastle");
                return null;
            }
            return lib;
        } catch (Throwable e) { // UnsatisfiedLinkError, missing platform jar, ...
            log.info("native secp256k1 not available ({}); using BouncyCastle", e.toString());
            return null;
        }
    }

    static boolean available() {
        return LIB != null;
    }

    static byte[] uncompressed(byte[] raw64) {
        byte[] pub = new byte[65];
        pub[0] = 0x04;
        System.arraycopy(raw64, 0, pub, 1, 64);
        return pub;
    }

    /** r ‖ s (64 bytes, low-S, k by RFC 6979 as BouncyCastle's), or null when the library refuses the input. */
    static byte[] sign(byte[] digest32, byte[] priv32) {
        try {
            return LIB.sign(digest32, priv32, null);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** @param pub65 uncompressed key; {@code sig64} r ‖ s, low-S */
    static boolean verify(byte[] pub65, byte[] digest32, byte[] sig64) {
        try {
            return LIB.verify(sig64, digest32, pub65);
        } catch (RuntimeException e) { // malformed input reported by the library
            return false;
        }
    }
}
