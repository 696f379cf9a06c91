package io.btspeed.ledger.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class Secp256k1Test {
    private static byte[] sha256(String s) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void rfc6979DeterministicSignatureMatchesPublishedVector() throws Exception {
        // widely published secp256k1 RFC 6979 vector (e.g. the python-ecdsa / bitcoin-core test sets):
        // key 1, message "Satoshi Nakamoto", SHA-256, low-S
        KeyPair k = KeyPair.fromPrivateKey(BigInteger.ONE);
        Signature sig = k.sign(sha256("Satoshi Nakamoto"));
        assertThat(HexFormat.of().formatHex(sig.encode())).isEqualTo(
                "934b1ea10a4b3c1757e2b0c017d0b6143ce3c9a7e6a4a49860d7a6ab210ee3d8"
                        + "2442ce9d2b916064108014783e923ec36b49743e2ffa1c4496f01a512aafd9e5");
    }

    @Test
    void signaturesAreLowSAndVerify() throws Exception {
        SecureRandom rnd = new SecureRandom(new byte[] {1});
        for (int i = 0; i < 50; i++) {
            KeyPair k = KeyPair.generate(rnd);
            byte[] d = sha256("msg" + i);
            Signature s = k.sign(d);
            assertThat(s.s()).isLessThanOrEqualTo(Secp256k1.HALF_N);
            assertThat(Secp256k1.verify(k.publicKey(), d, s)).isTrue();
            assertThat(Secp256k1.verify(k.publicKey(), sha256("other"), s)).isFalse();
            assertThat(Signature.decode(s.encode())).isEqualTo(s);
        }
    }

    @Test
    void highSAndGarbageKeysAreRejected() throws Exception {
        KeyPair k = KeyPair.fromPrivateKey(BigInteger.TWO);
        Signature s = k.sign(sha256("x"));
        assertThatThrownBy(() -> new Signature(s.r(), Secp256k1.N.subtract(s.s()))).hasMessageContaining("low");
        assertThat(Secp256k1.verify(new byte[64], sha256("x"), s)).isFalse();
        assertThatThrownBy(() -> Signature.decode(new byte[63])).hasMessageContaining("64 bytes");
        assertThatThrownBy(() -> KeyPair.fromPrivateKey(Secp256k1.N)).hasMessageContaining("out of range");
    }

    @Test
    void printsRoughVerifyRate() throws Exception {
        // not an assertion: a rough figure for the report; JMH numbers belong in bench/
        KeyPair k = KeyPair.fromPrivateKey(BigInteger.valueOf(7));
        byte[] d = sha256("rate");
        Signature s = k.sign(d);
        byte[] pub = k.publicKey();
        for (int i = 0; i < 2000; i++) {
            Secp256k1.verify(pub, d, s);
        }
        int n = 5000;
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            Secp256k1.verify(pub, d, s);
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.printf("secp256k1 verify (raw key): %.0f/s on one thread%n", n / secs);
        PublicKey pk = PublicKey.of(pub);
        assertThat(pk.address()).isEqualTo(k.address());
        for (int i = 0; i < 2000; i++) {
            assertThat(Secp256k1.verify(pk, d, s)).isTrue();
        }
        t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            Secp256k1.verify(pk, d, s);
        }
        secs = (System.nanoTime() - t0) / 1e9;
        System.out.printf("secp256k1 verify (cached key): %.0f/s on one thread%n", n / secs);
    }
}
