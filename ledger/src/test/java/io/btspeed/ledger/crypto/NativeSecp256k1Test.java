package io.btspeed.ledger.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.Random;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.junit.jupiter.api.Test;

class NativeSecp256k1Test {
    @Test
    void loadsOnLinuxX64() {
        boolean linuxX64 = System.getProperty("os.name").toLowerCase().contains("linux")
                && System.getProperty("os.arch").matches("amd64|x86_64");
        if (linuxX64) assertThat(NativeSecp256k1.available()).as("libsecp256k1 should load on this machine kind").isTrue();
    }

    private static boolean bouncyCastle(PublicKey k, byte[] digest, Signature s) {
        ECDSASigner v = new ECDSASigner();
        v.init(false, k.params());
        return v.verifySignature(digest, s.r(), s.s());
    }

    @Test
    void agreesWithBouncyCastleOnValidAndTamperedSignatures() {
        Random rnd = new Random(9);
        for (int i = 0; i < 200; i++) {
            KeyPair kp = KeyPair.fromPrivateKey(new BigInteger(250, rnd).add(BigInteger.ONE));
            PublicKey pk = PublicKey.of(kp.publicKey());
            byte[] digest = Keccak.keccak256(BigInteger.valueOf(i).toByteArray());
            Signature s = kp.sign(digest);
            assertThat(Secp256k1.verify(pk, digest, s)).isTrue().isEqualTo(bouncyCastle(pk, digest, s));
            byte[] other = digest.clone();
            other[rnd.nextInt(32)] ^= (byte) (1 << rnd.nextInt(8));
            assertThat(Secp256k1.verify(pk, other, s)).isFalse().isEqualTo(bouncyCastle(pk, other, s));
            Signature bentR = new Signature(s.r().add(BigInteger.ONE).mod(Secp256k1.N).max(BigInteger.ONE), s.s());
            assertThat(Secp256k1.verify(pk, digest, bentR)).isFalse();
        }
    }

    @Test
    void signsExactlyAsBouncyCastleDoes() {
        // both derive k by RFC 6979 and keep the low S, so a payer's states do not depend on which one loaded
        Random rnd = new Random(11);
        for (int i = 0; i < 200; i++) {
            BigInteger priv = i == 0 ? BigInteger.ONE : i == 1 ? Secp256k1.N.subtract(BigInteger.ONE)
                    : new BigInteger(i % 2 == 0 ? 256 : 200, rnd).mod(Secp256k1.N.subtract(BigInteger.ONE)).add(BigInteger.ONE);
            byte[] digest = new byte[32];
            rnd.nextBytes(digest);
            Signature bc = Secp256k1.signBouncyCastle(priv, digest);
            assertThat(Secp256k1.sign(priv, digest)).isEqualTo(bc);
            if (NativeSecp256k1.available()) {
                assertThat(NativeSecp256k1.sign(digest, Secp256k1.toBytes32(priv))).isEqualTo(bc.encode());
            }
        }
    }

    @Test
    void theHighSTwinOfAValidSignatureIsRejected() {
        KeyPair kp = KeyPair.fromPrivateKey(BigInteger.valueOf(424242));
        PublicKey pk = PublicKey.of(kp.publicKey());
        byte[] digest = Keccak.keccak256(new byte[] {9});
        Signature low = kp.sign(digest);
        // mathematically valid, but not canonical: such a signature cannot even be decoded
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Signature(low.r(), Secp256k1.N.subtract(low.s())))
                .isInstanceOf(RuntimeException.class);
        assertThat(Secp256k1.verify(pk, digest, low)).isTrue();
    }
}
