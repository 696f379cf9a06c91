package io.btspeed.dht.krpc;

import java.util.Arrays;
import java.util.HexFormat;

/** The write token a get_peers response hands out and announce_peer must return; compared by content. */
public record Token(byte[] bytes) {
    /** Our tokens are 8 bytes; other clients use up to 20. Anything longer is refused. */
    public static final int MAX_LENGTH = 64;

    public Token {
        if (bytes == null || bytes.length == 0 || bytes.length > MAX_LENGTH) {
            throw new IllegalArgumentException("token must be 1.." + MAX_LENGTH + " bytes");
        }
        bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Token t && Arrays.equals(bytes, t.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return HexFormat.of().formatHex(bytes);
    }
}
