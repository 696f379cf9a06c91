package io.btspeed.ledger.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.UUID;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.generators.PKCS5S2ParametersGenerator;
import org.bouncycastle.crypto.generators.SCrypt;
import org.bouncycastle.crypto.modes.SICBlockCipher;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * The Ethereum "Web3 Secret Storage" version 3 keystore: kdf (scrypt or pbkdf2/hmac-sha256) → 32-byte
 * derived key; AES-128-CTR with its first 16 bytes; MAC = keccak256(dk[16..32] ‖ ciphertext).
 * Files are interchangeable with geth / web3 / TronLink exports of the same format.
 */
public final class KeystoreV3 {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();
    /** Ceilings on KDF work so a hostile file cannot make decrypt run for hours or allocate gigabytes. */
    private static final int MAX_SCRYPT_N = 1 << 20;
    private static final int MAX_SCRYPT_R = 16;
    private static final int MAX_SCRYPT_P = 16;
    private static final int MAX_PBKDF2_C = 10_000_000;
    /** geth's "standard" parameters. */
    public static final int DEFAULT_N = 1 << 18;
    public static final int DEFAULT_P = 1;

    private KeystoreV3() {}

    public static String encrypt(KeyPair key, char[] password, SecureRandom random) {
        return encrypt(key, password, random, DEFAULT_N, 8, DEFAULT_P);
    }

    /** Scrypt-protected keystore; small n is for tests only. */
    public static String encrypt(KeyPair key, char[] password, SecureRandom random, int n, int r, int p) {
        byte[] salt = new byte[32];
        byte[] iv = new byte[16];
        random.nextBytes(salt);
        random.nextBytes(iv);
        byte[] dk = SCrypt.generate(passwordBytes(password), salt, n, r, p, 32);
        byte[] ct = aesCtr(Arrays.copyOf(dk, 16), iv, key.privateKeyBytes());
        byte[] mac = Keccak.keccak256(Arrays.copyOfRange(dk, 16, 32), ct);
        ObjectNode root = JSON.createObjectNode();
        root.put("address", HEX.formatHex(key.address().bytes()));
        ObjectNode crypto = root.putObject("crypto");
        crypto.put("cipher", "aes-128-ctr");
        crypto.putObject("cipherparams").put("iv", HEX.formatHex(iv));
        crypto.put("ciphertext", HEX.formatHex(ct));
        crypto.put("kdf", "scrypt");
        ObjectNode kp = crypto.putObject("kdfparams");
        kp.put("dklen", 32).put("n", n).put("p", p).put("r", r).put("salt", HEX.formatHex(salt));
        crypto.put("mac", HEX.formatHex(mac));
        byte[] idBytes = new byte[16];
        random.nextBytes(idBytes);
        idBytes[6] = (byte) ((idBytes[6] & 0x0F) | 0x40); // UUID version 4
        idBytes[8] = (byte) ((idBytes[8] & 0x3F) | 0x80);
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(idBytes);
        root.put("id", new UUID(bb.getLong(), bb.getLong()).toString());
        root.put("version", 3);
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Decrypts a V3 keystore; a wrong password is reported as a MAC mismatch. */
    public static KeyPair decrypt(String json, char[] password) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new CryptoException("keystore is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (root == null || !root.isObject()) {
            throw new CryptoException("keystore must be a JSON object");
        }
        if (root.path("version").asInt(-1) != 3) {
            throw new CryptoException("unsupported keystore version (want 3): " + root.path("version"));
        }
        JsonNode c = root.has("crypto") ? root.get("crypto") : root.path("Crypto");
        if (!"aes-128-ctr".equals(text(c, "cipher"))) {
            throw new CryptoException("unsupported keystore cipher: " + text(c, "cipher"));
        }
        byte[] iv = hex(text(c.path("cipherparams"), "iv"), "iv");
        byte[] ct = hex(text(c, "ciphertext"), "ciphertext");
        byte[] mac = hex(text(c, "mac"), "mac");
        if (iv.length != 16 || ct.length != 32 || mac.length != 32) {
            throw new CryptoException("keystore iv/ciphertext/mac have wrong lengths");
        }
        JsonNode kp = c.path("kdfparams");
        int dklen = kp.path("dklen").asInt(-1);
        if (dklen != 32) {
            throw new CryptoException("keystore dklen must be 32, got " + kp.path("dklen"));
        }
        byte[] salt = hex(text(kp, "salt"), "salt");
        byte[] pw = passwordBytes(password);
        byte[] dk = switch (String.valueOf(text(c, "kdf"))) {
            case "scrypt" -> {
                int n = kp.path("n").asInt(-1), r = kp.path("r").asInt(-1), p = kp.path("p").asInt(-1);
                if (n < 2 || Integer.bitCount(n) != 1 || n > MAX_SCRYPT_N || r < 1 || r > MAX_SCRYPT_R || p < 1 || p > MAX_SCRYPT_P) {
                    throw new CryptoException("scrypt parameters out of accepted range: n=" + n + " r=" + r + " p=" + p);
                }
                try {
                    yield SCrypt.generate(pw, salt, n, r, p, 32);
                } catch (IllegalArgumentException e) {
                    // BouncyCastle enforces RFC 7914 (n < 2^(16·r)); some old files (r=1, n=2^18) break it
                    throw new CryptoException("scrypt parameters rejected by RFC 7914 rules: " + e.getMessage(), e);
                }
            }
            case "pbkdf2" -> {
                int iter = kp.path("c").asInt(-1);
                if (!"hmac-sha256".equals(text(kp, "prf")) || iter < 1 || iter > MAX_PBKDF2_C) {
                    throw new CryptoException("unsupported pbkdf2 parameters: prf=" + text(kp, "prf") + " c=" + iter);
                }
                PKCS5S2ParametersGenerator g = new PKCS5S2ParametersGenerator(new SHA256Digest());
                g.init(pw, salt, iter);
                yield ((KeyParameter) g.generateDerivedParameters(256)).getKey();
            }
            default -> throw new CryptoException("unsupported keystore kdf: " + text(c, "kdf"));
        };
        byte[] want = Keccak.keccak256(Arrays.copyOfRange(dk, 16, 32), ct);
        if (!MessageDigest.isEqual(want, mac)) {
            throw new CryptoException("keystore MAC mismatch: wrong password or corrupted file");
        }
        return KeyPair.fromPrivateKey(aesCtr(Arrays.copyOf(dk, 16), iv, ct));
    }

    private static byte[] aesCtr(byte[] key16, byte[] iv, byte[] in) {
        SICBlockCipher ctr = new SICBlockCipher(AESEngine.newInstance());
        ctr.init(true, new ParametersWithIV(new KeyParameter(key16), iv));
        byte[] out = new byte[in.length];
        ctr.processBytes(in, 0, in.length, out, 0);
        return out;
    }

    private static byte[] passwordBytes(char[] password) {
        java.nio.ByteBuffer b = StandardCharsets.UTF_8.encode(java.nio.CharBuffer.wrap(password));
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && v.isTextual() ? v.asText() : null;
    }

    private static byte[] hex(String s, String what) {
        if (s == null) {
            throw new CryptoException("keystore field missing: " + what);
        }
        try {
            return HEX.parseHex(s);
        } catch (IllegalArgumentException e) {
            throw new CryptoException("keystore field " + what + " is not hex");
        }
    }
}
