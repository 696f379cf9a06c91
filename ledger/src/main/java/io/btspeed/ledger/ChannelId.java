package io.btspeed.ledger;

import java.util.Arrays;
import java.util.HexFormat;

/** 32-byte channel identifier, derived from the opening operation so the payer knows it before submitting. */
public record ChannelId(byte[] bytes) {
    public ChannelId {
        if (bytes == null || bytes.length != 32) {
            throw new IllegalArgumentException("channel id must be 32 bytes");
        }
        bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** Whether {@code id} is this channel's 32 bytes: a comparison without the copy {@link #bytes()} makes. */
    public boolean matches(byte[] id) {
        return Arrays.equals(bytes, id);
    }

    public String hex() {
        return HexFormat.of().formatHex(bytes);
    }

    public static ChannelId fromHex(String hex) {
        if (hex == null || hex.length() != 64) {
            throw new IllegalArgumentException("channel id must be 64 hex characters");
        }
        return new ChannelId(HexFormat.of().parseHex(hex));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChannelId c && Arrays.equals(bytes, c.bytes);
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
