package io.btspeed.dht.krpc;

import java.util.Arrays;
import java.util.HexFormat;

/** The opaque "t" value a response echoes; compared by content. */
public record TransactionId(byte[] bytes) {
    /** Longest transaction id we accept: BEP 5 clients use 2-4 bytes; more is only room for abuse. */
    public static final int MAX_LENGTH = 16;

    public TransactionId {
        if (bytes == null || bytes.length == 0 || bytes.length > MAX_LENGTH) {
            throw new KrpcException("transaction id must be 1.." + MAX_LENGTH + " bytes, got "
                    + (bytes == null ? "none" : bytes.length), KrpcException.PROTOCOL_ERROR, null, false);
        }
        bytes = bytes.clone();
    }

    public static TransactionId ofShort(int v) {
        return new TransactionId(new byte[] {(byte) (v >>> 8), (byte) v});
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TransactionId t && Arrays.equals(bytes, t.bytes);
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
