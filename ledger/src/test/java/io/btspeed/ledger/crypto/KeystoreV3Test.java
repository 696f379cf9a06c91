package io.btspeed.ledger.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class KeystoreV3Test {
    private static final String PRIV = "7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d";

    /** The scrypt example of the Web3 Secret Storage Definition (password "testpassword"). */
    private static final String SCRYPT_VECTOR = """
            {"crypto":{"cipher":"aes-128-ctr","cipherparams":{"iv":"83dbcc02d8ccb40e466191a123791e0e"},
             "ciphertext":"d172bf743a674da9cdad04534d56926ef8358534d458fffccd4e6ad2fbde479c","kdf":"scrypt",
             "kdfparams":{"dklen":32,"n":262144,"p":8,"r":1,"salt":"ab0c7876052600dd703518d6fc3fe8984592145b591fc8fb5c6d43190334ba19"},
             "mac":"2103ac29920d71da29f15d75b4a16dbe95cfd7ff8faea1056c33131d846e3097"},
             "id":"3198bc9c-6672-5ab3-d995-4942343ae5b6","version":3}""";

    /** The PBKDF2 example of the same definition. */
    private static final String PBKDF2_VECTOR = """
            {"crypto":{"cipher":"aes-128-ctr","cipherparams":{"iv":"6087dab2f9fdbbfaddc31a909735c1e6"},
             "ciphertext":"5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46","kdf":"pbkdf2",
             "kdfparams":{"c":262144,"dklen":32,"prf":"hmac-sha256","salt":"ae3cd4e7013836a3df6bd7241b12db061dbe2c6785853cce422d148a624ce0bd"},
             "mac":"517ead924a9d0dc3124507e3393d175ce3ff7c1e96529c6c555ce9e51205e9b2"},
             "id":"3198bc9c-6672-5ab3-d995-4942343ae5b6","version":3}""";

    /**
     * The definition's scrypt example uses r=1 with n=2^18, which RFC 7914 forbids (n must be below
     * 2^(16·r)); BouncyCastle enforces that, so the file is refused with a clear reason instead of
     * decrypted. Files written by geth and by {@link KeystoreV3#encrypt} use r=8 and are fine.
     */
    @Test
    void publishedScryptVectorIsRefusedWithAClearReason() {
        assertThatThrownBy(() -> KeystoreV3.decrypt(SCRYPT_VECTOR, "testpassword".toCharArray()))
                .isInstanceOf(CryptoException.class)
                .hasMessageContaining("RFC 7914");
    }

    @Test
    void scryptRoundTripWithGethStandardParameters() {
        KeyPair k = KeyPair.fromPrivateKey(HexFormat.of().parseHex(PRIV));
        String json = KeystoreV3.encrypt(k, "testpassword".toCharArray(), new SecureRandom());
        assertThat(json).contains("\"n\" : 262144").contains("\"r\" : 8");
        assertThat(KeystoreV3.decrypt(json, "testpassword".toCharArray()).privateKeyBytes())
                .isEqualTo(k.privateKeyBytes());
    }

    @Test
    void decryptsPublishedPbkdf2Vector() {
        KeyPair k = KeystoreV3.decrypt(PBKDF2_VECTOR, "testpassword".toCharArray());
        assertThat(HexFormat.of().formatHex(k.privateKeyBytes())).isEqualTo(PRIV);
    }

    @Test
    void wrongPasswordIsAMacMismatch() {
        assertThatThrownBy(() -> KeystoreV3.decrypt(PBKDF2_VECTOR, "nope".toCharArray()))
                .hasMessageContaining("MAC mismatch");
    }

    @Test
    void encryptThenDecryptRoundTrips() {
        SecureRandom rnd = new SecureRandom(new byte[] {3});
        KeyPair k = KeyPair.fromPrivateKey(BigInteger.valueOf(424242));
        String json = KeystoreV3.encrypt(k, "pw".toCharArray(), rnd, 1 << 10, 8, 1);
        assertThat(json).contains("\"address\" : \"" + HexFormat.of().formatHex(k.address().bytes()));
        KeyPair back = KeystoreV3.decrypt(json, "pw".toCharArray());
        assertThat(back.privateKeyBytes()).isEqualTo(k.privateKeyBytes());
    }

    @Test
    void rejectsHostileFiles() {
        assertThatThrownBy(() -> KeystoreV3.decrypt("{", "x".toCharArray())).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> KeystoreV3.decrypt("[]", "x".toCharArray())).hasMessageContaining("JSON object");
        assertThatThrownBy(() -> KeystoreV3.decrypt(SCRYPT_VECTOR.replace("262144", "1073741824"), "x".toCharArray()))
                .hasMessageContaining("scrypt parameters");
        assertThatThrownBy(() -> KeystoreV3.decrypt(SCRYPT_VECTOR.replace("\"version\":3", "\"version\":1"), "x".toCharArray()))
                .hasMessageContaining("version");
        assertThatThrownBy(() -> KeystoreV3.decrypt(SCRYPT_VECTOR.replace("aes-128-ctr", "aes-128-cbc"), "x".toCharArray()))
                .hasMessageContaining("cipher");
    }
}
