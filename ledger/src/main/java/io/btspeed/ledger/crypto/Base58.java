package io.btspeed.ledger.crypto;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/** Bitcoin-alphabet base58 and base58check (4-byte double-SHA-256 checksum), as TRON addresses use. */
public final class Base58 {
    private static final String ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    private static final BigInteger BASE = BigInteger.valueOf(58);
    /** Longer strings are not addresses; bounding the input keeps the BigInteger work trivially small. */
    private static final int MAX_CHARS = 128;

    private Base58() {}

    public static String encode(byte[] data) {
        StringBuilder sb = new StringBuilder();
        BigInteger n = new BigInteger(1, data);
        while (n.signum() > 0) {
            BigInteger[] qr = n.divideAndRemainder(BASE);
            sb.append(ALPHABET.charAt(qr[1].intValue()));
            n = qr[0];
        }
        // each leading zero byte is written as a leading '1'
        for (int i = 0; i < data.length && data[i] == 0; i++) {
            sb.append('1');
        }
        return sb.reverse().toString();
    }

    public static byte[] decode(String s) {
        if (s.length() > MAX_CHARS) {
            throw new CryptoException("base58 string too long (" + s.length() + " chars)");
        }
        BigInteger n = BigInteger.ZERO;
        int zeros = 0;
        boolean leading = true;
        for (int i = 0; i < s.length(); i++) {
            int digit = ALPHABET.indexOf(s.charAt(i));
            if (digit < 0) {
                throw new CryptoException("invalid base58 character '" + s.charAt(i) + "' at index " + i);
            }
            if (leading && digit == 0) {
                zeros++;
            } else {
                leading = false;
            }
            n = n.multiply(BASE).add(BigInteger.valueOf(digit));
        }
        byte[] body = n.signum() == 0 ? new byte[0] : n.toByteArray();
        if (body.length > 0 && body[0] == 0) {
            body = Arrays.copyOfRange(body, 1, body.length); // BigInteger's sign byte
        }
        byte[] out = new byte[zeros + body.length];
        System.arraycopy(body, 0, out, zeros, body.length);
        return out;
    }

    public static String encodeCheck(byte[] payload) {
        byte[] sum = checksum(payload);
        byte[] all = Arrays.copyOf(payload, payload.length + 4);
        System.arraycopy(sum, 0, all, payload.length, 4);
        return encode(all);
    }

    public static byte[] decodeCheck(String s) {
        byte[] all = decode(s);
        if (all.length < 5) {
            throw new CryptoException("base58check string too short");
        }
        byte[] payload = Arrays.copyOf(all, all.length - 4);
        byte[] sum = checksum(payload);
        if (!MessageDigest.isEqual(Arrays.copyOfRange(sum, 0, 4), Arrays.copyOfRange(all, all.length - 4, all.length))) {
            throw new CryptoException("base58check checksum mismatch");
        }
        return payload;
    }

    private static byte[] checksum(byte[] payload) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return sha.digest(sha.digest(payload));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }
}
