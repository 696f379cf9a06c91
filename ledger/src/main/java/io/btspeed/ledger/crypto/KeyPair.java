package io.btspeed.ledger.crypto;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.math.ec.ECPoint;

/** A secp256k1 private key with its public key and address. The private scalar never appears in toString. */
public final class KeyPair {
    private final BigInteger priv;
    private final byte[] publicKey; // 64 bytes X ‖ Y
    private final Address address;

    private KeyPair(BigInteger priv) {
        if (priv.signum() <= 0 || priv.compareTo(Secp256k1.N) >= 0) {
            throw new CryptoException("private key out of range [1, n)");
        }
        this.priv = priv;
        ECPoint p = Secp256k1.publicPoint(priv);
        byte[] enc = p.getEncoded(false);
        this.publicKey = Arrays.copyOfRange(enc, 1, 65);
        this.address = Address.ofPublicKey(publicKey);
    }

    public static KeyPair fromPrivateKey(byte[] priv32) {
        if (priv32 == null || priv32.length != 32) {
            throw new CryptoException("private key must be 32 bytes");
        }
        return new KeyPair(new BigInteger(1, priv32));
    }

    public static KeyPair fromPrivateKey(BigInteger priv) {
        return new KeyPair(priv);
    }

    public static KeyPair generate(SecureRandom random) {
        while (true) {
            byte[] b = new byte[32];
            random.nextBytes(b);
            BigInteger k = new BigInteger(1, b);
            if (k.signum() > 0 && k.compareTo(Secp256k1.N) < 0) {
                return new KeyPair(k);
            }
        }
    }

    public byte[] privateKeyBytes() {
        byte[] out = new byte[32];
        byte[] raw = priv.toByteArray();
        int start = raw.length > 32 ? raw.length - 32 : 0;
        System.arraycopy(raw, start, out, 32 - (raw.length - start), raw.length - start);
        return out;
    }

    public byte[] publicKey() {
        return publicKey.clone();
    }

    public Address address() {
        return address;
    }

    public Signature sign(byte[] digest32) {
        return Secp256k1.sign(priv, digest32);
    }

    @Override
    public String toString() {
        return "KeyPair[" + address.toEvm() + "]";
    }
}
