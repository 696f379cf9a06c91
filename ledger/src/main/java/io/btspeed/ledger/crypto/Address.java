package io.btspeed.ledger.crypto;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;

/**
 * An account: the last 20 bytes of keccak256(uncompressed public key without the 0x04 prefix).
 * The same 20 bytes have two spellings: EVM hex (EIP-55 mixed-case checksum) and TRON
 * base58check(0x41 ‖ bytes). {@link #parse} accepts either.
 */
public record Address(byte[] bytes) {
    public static final int LENGTH = 20;
    private static final byte TRON_PREFIX = 0x41;

    public Address {
        if (bytes == null || bytes.length != LENGTH) {
            throw new CryptoException("an address is 20 bytes, got " + (bytes == null ? "null" : bytes.length));
        }
        bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** Address of a 64-byte raw public key (X ‖ Y). */
    public static Address ofPublicKey(byte[] rawPublicKey64) {
        if (rawPublicKey64.length != 64) {
            throw new CryptoException("raw public key must be 64 bytes, got " + rawPublicKey64.length);
        }
        byte[] h = Keccak.keccak256(rawPublicKey64);
        return new Address(Arrays.copyOfRange(h, 12, 32));
    }

    /** EIP-55 checksummed "0x…" form. */
    public String toEvm() {
        String hex = HexFormat.of().formatHex(bytes);
        byte[] h = Keccak.keccak256(hex.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        StringBuilder sb = new StringBuilder("0x");
        for (int i = 0; i < hex.length(); i++) {
            char c = hex.charAt(i);
            int nibble = (h[i / 2] >> (i % 2 == 0 ? 4 : 0)) & 0xF;
            sb.append(Character.isLetter(c) && nibble >= 8 ? Character.toUpperCase(c) : c);
        }
        return sb.toString();
    }

    /** TRON "T…" form. */
    public String toTron() {
        byte[] payload = new byte[21];
        payload[0] = TRON_PREFIX;
        System.arraycopy(bytes, 0, payload, 1, LENGTH);
        return Base58.encodeCheck(payload);
    }

    /** Accepts "0x" + 40 hex digits (all-lower, all-upper, or a valid EIP-55 checksum) or a TRON base58check address. */
    public static Address parse(String s) {
        if (s == null || s.isEmpty()) {
            throw new CryptoException("empty address");
        }
        if (s.startsWith("0x") || s.startsWith("0X")) {
            String hex = s.substring(2);
            if (hex.length() != 40 || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                throw new CryptoException("EVM address must be 0x followed by 40 hex digits: " + s);
            }
            Address a = new Address(HexFormat.of().parseHex(hex.toLowerCase(Locale.ROOT)));
            boolean mixed = !hex.equals(hex.toLowerCase(Locale.ROOT)) && !hex.equals(hex.toUpperCase(Locale.ROOT));
            if (mixed && !a.toEvm().substring(2).equals(hex)) {
                throw new CryptoException("EVM address has a wrong EIP-55 checksum: " + s);
            }
            return a;
        }
        byte[] payload = Base58.decodeCheck(s);
        if (payload.length != 21 || payload[0] != TRON_PREFIX) {
            throw new CryptoException("not a TRON address (want 0x41 prefix and 21 bytes): " + s);
        }
        return new Address(Arrays.copyOfRange(payload, 1, 21));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Address a && Arrays.equals(bytes, a.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return toEvm();
    }
}
