package io.btspeed.market.pay;

import java.util.Arrays;

/**
 * What a seller billed one buyer per piece: the bytes of it sent while billed and their cost. A seller
 * keeps one entry per piece it served the buyer (a piece sent again after a hash failure is billed
 * once, so the earlier bill must be found), for every buyer, for the whole download; so this is an
 * open-addressing table of primitives — no boxed keys, no node per piece — growing by doubling.
 */
public final class PieceBills {
    private static final int EMPTY = -1;

    private int[] pieces = new int[16];
    private long[] bytes = new long[16];
    private long[] costs = new long[16];
    private int size;

    public PieceBills() {
        Arrays.fill(pieces, EMPTY);
    }

    /** Slot of {@code piece}, or of the empty slot where it would go. */
    private int slot(int piece) {
        int mask = pieces.length - 1;
        int i = (piece * 0x9E3779B9) >>> 16 & mask;
        while (pieces[i] != EMPTY && pieces[i] != piece) i = (i + 1) & mask;
        return i;
    }

    /** Bytes of {@code piece} billed so far (0: none). */
    public long bytes(int piece) {
        int i = slot(piece);
        return pieces[i] == piece ? bytes[i] : 0;
    }

    /** Cost billed for {@code piece} so far (0: none). */
    public long cost(int piece) {
        int i = slot(piece);
        return pieces[i] == piece ? costs[i] : 0;
    }

    /** Sets the bill of {@code piece}. */
    public void put(int piece, long sentBytes, long cost) {
        if (piece < 0) throw new IllegalArgumentException("negative piece " + piece);
        int i = slot(piece);
        if (pieces[i] == EMPTY) {
            if ((size + 1) * 2 > pieces.length) {
                grow();
                i = slot(piece);
            }
            pieces[i] = piece;
            size++;
        }
        bytes[i] = sentBytes;
        costs[i] = cost;
    }

    public int size() {
        return size;
    }

    private void grow() {
        int[] op = pieces;
        long[] ob = bytes, oc = costs;
        pieces = new int[op.length * 2];
        Arrays.fill(pieces, EMPTY);
        bytes = new long[op.length * 2];
        costs = new long[op.length * 2];
        for (int j = 0; j < op.length; j++) {
            if (op[j] == EMPTY) continue;
            int i = slot(op[j]);
            pieces[i] = op[j];
            bytes[i] = ob[j];
            costs[i] = oc[j];
        }
    }
}
