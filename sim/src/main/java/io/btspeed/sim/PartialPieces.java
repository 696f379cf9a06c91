package io.btspeed.sim;

import java.util.Arrays;

/**
 * A downloader's pieces whose download a choke interrupted, with the bytes (whole blocks) already here: piece to
 * bytes, as primitives in two short arrays. A peer has a few at a time, and the lookup comes with every piece a link
 * starts, so a linear scan of a line or two beats a {@code HashMap<Integer, Long>} (a boxed key per lookup, a node
 * per entry).
 */
final class PartialPieces {
    private int[] pieces = new int[4];
    private long[] bytes = new long[4];
    private int size;

    boolean isEmpty() { return size == 0; }

    /** Records (or replaces) the bytes of {@code piece} already here. */
    void put(int piece, long done) {
        for (int i = 0; i < size; i++) {
            if (pieces[i] == piece) {
                bytes[i] = done;
                return;
            }
        }
        if (size == pieces.length) {
            pieces = Arrays.copyOf(pieces, 2 * size);
            bytes = Arrays.copyOf(bytes, 2 * size);
        }
        pieces[size] = piece;
        bytes[size++] = done;
    }

    /** Removes {@code piece} and returns its bytes, or -1 if it has no entry. */
    long remove(int piece) {
        for (int i = 0; i < size; i++) {
            if (pieces[i] == piece) {
                long done = bytes[i];
                size--;
                pieces[i] = pieces[size];
                bytes[i] = bytes[size];
                return done;
            }
        }
        return -1;
    }

    void clear() { size = 0; }
}
