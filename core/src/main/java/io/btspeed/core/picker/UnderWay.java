package io.btspeed.core.picker;

import java.util.Arrays;

/**
 * The pieces under way, by piece number: an open-addressing table of piece numbers and their entries, growing by
 * doubling, with linear probing and deletion by shifting back (no tombstones).
 *
 * <p>Why not an array indexed by piece, as before: a picker of a 4,096-piece torrent kept 16 KB of references for the
 * few dozen pieces under way at a time, and every fresh pick and every arriving block touched one of its lines at
 * random, out of cache where thousands of pickers run in turn (a simulator). The pieces under way fit in a line or
 * two of keys and entries here, which the next lookup finds in cache.
 */
final class UnderWay {
    private static final int EMPTY = -1;
    private int[] keys;
    private Downloading[] entries;
    /** {@code 32 - log2(capacity)}: a key's home slot is the top bits of its hash. */
    private int shift;
    private int size;

    UnderWay() {
        keys = new int[16];
        Arrays.fill(keys, EMPTY);
        entries = new Downloading[16];
        shift = 32 - 4;
    }

    private int home(int piece) { return (piece * 0x9E3779B9) >>> shift; }

    /** The entry of {@code piece} (not negative), or null if it is not under way. */
    Downloading get(int piece) {
        int[] ks = keys;
        int mask = ks.length - 1;
        for (int i = home(piece); ; i = (i + 1) & mask) {
            int k = ks[i];
            if (k == piece) return entries[i];
            if (k == EMPTY) return null;
        }
    }

    /** Puts {@code d} as the entry of {@code piece}, which is not under way. */
    void put(int piece, Downloading d) {
        if (2 * (size + 1) > keys.length) grow();
        int mask = keys.length - 1, i = home(piece);
        while (keys[i] != EMPTY) {
            if (keys[i] == piece) throw new IllegalStateException("piece " + piece + " is already under way");
            i = (i + 1) & mask;
        }
        keys[i] = piece;
        entries[i] = d;
        size++;
    }

    /** Removes {@code piece}'s entry and returns it, or null if it was not under way. */
    Downloading remove(int piece) {
        int mask = keys.length - 1, i = home(piece);
        while (keys[i] != piece) {
            if (keys[i] == EMPTY) return null;
            i = (i + 1) & mask;
        }
        Downloading d = entries[i];
        // shift back the keys after it that would no longer be found past the hole
        for (int j = (i + 1) & mask; keys[j] != EMPTY; j = (j + 1) & mask) {
            int h = home(keys[j]);
            boolean stays = i <= j ? (h > i && h <= j) : (h > i || h <= j);
            if (stays) continue;
            keys[i] = keys[j];
            entries[i] = entries[j];
            i = j;
        }
        keys[i] = EMPTY;
        entries[i] = null;
        size--;
        return d;
    }

    int size() { return size; }

    /** The entries, in no particular order. */
    Downloading[] entries() {
        Downloading[] out = new Downloading[size];
        int n = 0;
        for (Downloading d : entries) if (d != null) out[n++] = d;
        return out;
    }

    /** Reads the first line of the keys and of the entries; a number that means nothing, so the reads are kept. */
    int touch() { return keys[0] + (entries[0] == null ? 0 : 1); }

    private void grow() {
        int[] oldKeys = keys;
        Downloading[] oldEntries = entries;
        keys = new int[oldKeys.length * 2];
        Arrays.fill(keys, EMPTY);
        entries = new Downloading[oldKeys.length * 2];
        shift--;
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) if (oldKeys[i] != EMPTY) put(oldKeys[i], oldEntries[i]);
    }
}
