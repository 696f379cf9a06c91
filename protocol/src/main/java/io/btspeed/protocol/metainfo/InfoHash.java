package io.btspeed.protocol.metainfo;

import io.btspeed.protocol.ProtocolException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/** The SHA-1 of a torrent's raw info dictionary: its identity on the wire and in trackers. */
public record InfoHash(byte[] bytes) {
    public InfoHash {
        if (bytes == null || bytes.length != 20) {
            throw new ProtocolException("an info-hash is 20 bytes, got " + (bytes == null ? "none" : bytes.length));
        }
        bytes = bytes.clone();
    }

    /** SHA-1 of the raw bencoded info dictionary. */
    public static InfoHash of(byte[] rawInfo) {
        try {
            return new InfoHash(MessageDigest.getInstance("SHA-1").digest(rawInfo));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-1", e);
        }
    }

    public static InfoHash fromHex(String hex) {
        if (hex == null || hex.length() != 40) throw new ProtocolException("an info-hash is 40 hex digits: '" + hex + "'");
        try {
            return new InfoHash(HexFormat.of().parseHex(hex));
        } catch (IllegalArgumentException e) {
            throw new ProtocolException("not hex: '" + hex + "'");
        }
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    public String hex() {
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InfoHash h && Arrays.equals(bytes, h.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return hex();
    }
}
