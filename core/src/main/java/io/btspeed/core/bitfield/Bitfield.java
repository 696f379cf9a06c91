package io.btspeed.core.bitfield;

import java.util.Arrays;

/**
 * Fixed-size set of piece indices in [0, pieceCount). Backed by longs so cardinality and scans cost one
 * word per 64 pieces. The wire form (BEP 3) is big-endian bit order: piece 0 is the high bit of byte 0.
 */
public final class Bitfield {
    private final int pieceCount;
    private final long[] words;
    private int cardinality;

    public Bitfield(int pieceCount) {
        if (pieceCount < 0) throw new IllegalArgumentException("negative piece count " + pieceCount);
        this.pieceCount = pieceCount;
        this.words = new long[(pieceCount + 63) >>> 6];
    }

    /** A bitfield with every piece set (a seed, or a peer that sent HaveAll). */
    public static Bitfield full(int pieceCount) {
        Bitfield b = new Bitfield(pieceCount);
        b.setAll();
        return b;
    }

    /**
     * Decodes a peer's BitfieldMsg payload. The length must be exactly ceil(pieceCount/8) and the spare bits
     * past the last piece must be clear — BEP 3 says peers sending anything else should be dropped.
     */
    public static Bitfield fromBytes(byte[] bytes, int pieceCount) {
        if (pieceCount < 0) throw new IllegalArgumentException("negative piece count " + pieceCount);
        int expected = (pieceCount + 7) >>> 3;
        if (bytes.length != expected) {
            throw new IllegalArgumentException("bitfield has " + bytes.length + " bytes, expected " + expected
                    + " for " + pieceCount + " pieces");
        }
        int spare = expected * 8 - pieceCount;
        if (spare > 0 && (bytes[expected - 1] & ((1 << spare) - 1)) != 0) {
            throw new IllegalArgumentException("bitfield has spare bits set past piece " + (pieceCount - 1));
        }
        Bitfield b = new Bitfield(pieceCount);
        for (int i = 0; i < expected; i++) {
            int v = bytes[i] & 0xFF;
            if (v == 0) continue;
            for (int bit = 0; bit < 8; bit++) {
                if ((v & (0x80 >>> bit)) != 0) b.set(i * 8 + bit);
            }
        }
        return b;
    }

    public byte[] toBytes() {
        byte[] out = new byte[(pieceCount + 7) >>> 3];
        for (int w = 0; w < words.length; w++) {
            long word = words[w];
            while (word != 0) {
                int bit = Long.numberOfTrailingZeros(word);
                int idx = (w << 6) + bit;
                out[idx >>> 3] |= (byte) (0x80 >>> (idx & 7));
                word &= word - 1;
            }
        }
        return out;
    }

    public int pieceCount() { return pieceCount; }

    public boolean get(int index) {
        check(index);
        return (words[index >>> 6] & (1L << index)) != 0;
    }

    /** Sets the bit; returns true if it was clear before (lets callers count only real changes). */
    public boolean set(int index) {
        check(index);
        long mask = 1L << index;
        int w = index >>> 6;
        if ((words[w] & mask) != 0) return false;
        words[w] |= mask;
        cardinality++;
        return true;
    }

    /** Clears the bit; returns true if it was set before. */
    public boolean clear(int index) {
        check(index);
        long mask = 1L << index;
        int w = index >>> 6;
        if ((words[w] & mask) == 0) return false;
        words[w] &= ~mask;
        cardinality--;
        return true;
    }

    public void setAll() {
        Arrays.fill(words, -1L);
        trimTail();
        cardinality = pieceCount;
    }

    public void clearAll() {
        Arrays.fill(words, 0L);
        cardinality = 0;
    }

    public int cardinality() { return cardinality; }

    /**
     * The pieces {@code 64 * index} to {@code 64 * index + 63}, piece {@code 64 * index + b} in bit {@code b} (bits
     * past the last piece are clear): lets a caller combine bitfields a word at a time.
     */
    public long word(int index) { return words[index]; }

    /** How many words {@link #word} has: {@code ceil(pieceCount / 64)}. */
    public int wordCount() { return words.length; }

    public boolean isComplete() { return cardinality == pieceCount; }

    public boolean isEmpty() { return cardinality == 0; }

    /** First set index >= from, or -1. */
    public int nextSetBit(int from) {
        if (from < 0) throw new IndexOutOfBoundsException("from " + from);
        if (from >= pieceCount) return -1;
        int w = from >>> 6;
        long word = words[w] & (-1L << from);
        while (true) {
            if (word != 0) return (w << 6) + Long.numberOfTrailingZeros(word);
            if (++w == words.length) return -1;
            word = words[w];
        }
    }

    /** First clear index >= from, or -1 if all of [from, pieceCount) are set. */
    public int nextClearBit(int from) {
        if (from < 0) throw new IndexOutOfBoundsException("from " + from);
        if (from >= pieceCount) return -1;
        int w = from >>> 6;
        long word = ~words[w] & (-1L << from);
        while (true) {
            if (word != 0) {
                int idx = (w << 6) + Long.numberOfTrailingZeros(word);
                return idx < pieceCount ? idx : -1;
            }
            if (++w == words.length) return -1;
            word = ~words[w];
        }
    }

    /** this &= other. */
    public void and(Bitfield other) {
        sameSize(other);
        for (int i = 0; i < words.length; i++) words[i] &= other.words[i];
        recount();
    }

    /** this &= ~other. */
    public void andNot(Bitfield other) {
        sameSize(other);
        for (int i = 0; i < words.length; i++) words[i] &= ~other.words[i];
        recount();
    }

    /** this |= other. */
    public void or(Bitfield other) {
        sameSize(other);
        for (int i = 0; i < words.length; i++) words[i] |= other.words[i];
        recount();
    }

    /** True if other has any piece this one lacks — i.e. we would be interested in a peer with {@code other}. */
    public boolean hasAnyMissingFrom(Bitfield other) {
        sameSize(other);
        for (int i = 0; i < words.length; i++) if ((other.words[i] & ~words[i]) != 0) return true;
        return false;
    }

    public Bitfield copy() {
        Bitfield b = new Bitfield(pieceCount);
        System.arraycopy(words, 0, b.words, 0, words.length);
        b.cardinality = cardinality;
        return b;
    }

    private void recount() {
        int c = 0;
        for (long w : words) c += Long.bitCount(w);
        cardinality = c;
    }

    private void trimTail() {
        int rem = pieceCount & 63;
        if (rem != 0 && words.length > 0) words[words.length - 1] &= (1L << rem) - 1;
    }

    private void check(int index) {
        if (index < 0 || index >= pieceCount) {
            throw new IndexOutOfBoundsException("piece " + index + " out of range [0, " + pieceCount + ")");
        }
    }

    private void sameSize(Bitfield other) {
        if (other.pieceCount != pieceCount) {
            throw new IllegalArgumentException("bitfield sizes differ: " + pieceCount + " vs " + other.pieceCount);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Bitfield b && b.pieceCount == pieceCount && Arrays.equals(b.words, words);
    }

    @Override
    public int hashCode() { return 31 * pieceCount + Arrays.hashCode(words); }

    @Override
    public String toString() { return "Bitfield[" + cardinality + "/" + pieceCount + "]"; }
}
