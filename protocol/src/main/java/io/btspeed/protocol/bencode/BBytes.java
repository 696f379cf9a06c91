package io.btspeed.protocol.bencode;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/** A bencoded byte string. Compared by content, unlike a bare array. */
public record BBytes(byte[] bytes) implements BValue {
    public BBytes {
        bytes = bytes.clone();
    }

    public static BBytes of(String utf8) {
        return new BBytes(utf8.getBytes(StandardCharsets.UTF_8));
    }

    /** The bytes read as UTF-8 (invalid sequences become U+FFFD). */
    public String asString() {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** Length without copying. */
    public int length() {
        return bytes.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BBytes b && Arrays.equals(bytes, b.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        for (byte b : bytes) {
            if (b < 0x20 || b > 0x7e) return "BBytes[hex " + HexFormat.of().formatHex(bytes, 0, Math.min(bytes.length, 64))
                    + (bytes.length > 64 ? "…" : "") + "]";
        }
        return "BBytes[" + new String(bytes, StandardCharsets.US_ASCII) + "]";
    }
}
