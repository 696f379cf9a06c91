package io.btspeed.dht;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.random.RandomGenerator;

/**
 * A 160-bit DHT node id (or a target: an info-hash is looked up as an id). Distance is XOR read as
 * an unsigned big-endian number (BEP 5), which is why comparisons go byte by byte, unsigned.
 */
public record NodeId(byte[] bytes) implements Comparable<NodeId> {
    public static final int LENGTH = 20;
    public static final int BITS = LENGTH * 8;

    public NodeId {
        if (bytes == null || bytes.length != LENGTH) {
            throw new IllegalArgumentException("a node id is " + LENGTH + " bytes, got " + (bytes == null ? "null" : bytes.length));
        }
        bytes = bytes.clone();
    }

    public static NodeId random(RandomGenerator rnd) {
        byte[] b = new byte[LENGTH];
        rnd.nextBytes(b);
        return new NodeId(b);
    }

    public static NodeId fromHex(String hex) {
        return new NodeId(HexFormat.of().parseHex(hex));
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** Byte i without copying the array. */
    public int byteAt(int i) {
        return bytes[i] & 0xff;
    }

    public String hex() {
        return HexFormat.of().formatHex(bytes);
    }

    /**
     * Number of leading bits this id shares with {@code other} (0..160): the routing table keeps a
     * node in the bucket for that prefix length, and a lookup's progress is this number growing.
     */
    public int commonPrefixBits(NodeId other) {
        for (int i = 0; i < LENGTH; i++) {
            int x = (bytes[i] ^ other.bytes[i]) & 0xff;
            if (x != 0) return i * 8 + Integer.numberOfLeadingZeros(x) - 24;
        }
        return BITS;
    }

    /** Negative when {@code a} is closer to this id than {@code b}, by XOR distance. */
    public int compareDistance(NodeId a, NodeId b) {
        for (int i = 0; i < LENGTH; i++) {
            int da = (a.bytes[i] ^ bytes[i]) & 0xff;
            int db = (b.bytes[i] ^ bytes[i]) & 0xff;
            if (da != db) return Integer.compare(da, db);
        }
        return 0;
    }

    /** Bit i counted from the most significant bit of byte 0. */
    public boolean bit(int i) {
        return ((bytes[i >>> 3] >>> (7 - (i & 7))) & 1) != 0;
    }

    /** A random id that shares exactly {@code prefixBits} leading bits with this one (bucket refresh targets). */
    public NodeId randomWithPrefix(int prefixBits, RandomGenerator rnd) {
        byte[] b = new byte[LENGTH];
        rnd.nextBytes(b);
        for (int i = 0; i < prefixBits && i < BITS; i++) {
            setBit(b, i, bit(i));
        }
        if (prefixBits < BITS) setBit(b, prefixBits, !bit(prefixBits));
        return new NodeId(b);
    }

    private static void setBit(byte[] b, int i, boolean v) {
        int mask = 1 << (7 - (i & 7));
        if (v) b[i >>> 3] |= (byte) mask;
        else b[i >>> 3] &= (byte) ~mask;
    }

    @Override
    public int compareTo(NodeId o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NodeId n && Arrays.equals(bytes, n.bytes);
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
