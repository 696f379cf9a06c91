package io.btspeed.market.pay;

/**
 * What a seller billed one buyer per piece: the bytes of it sent while billed and their cost. A seller
 * keeps one entry per piece it served the buyer (a piece sent again after a hash failure is billed
 * once, so the earlier bill must be found), for every buyer, for the whole download; so this is an
 * open-addressing table of primitives — no boxed keys, no node per piece — growing by doubling.
 *
 * <p>An entry is two longs side by side in one array: the piece number and its bytes packed in the
 * first, the cost in the second. A bill is looked up once per piece sent, when that buyer's table is
 * out of cache (a seller serves many buyers, a simulator runs thousands of sellers), and an entry in
 * one line costs one cache miss where three arrays (pieces, bytes, costs) cost three. A piece's bytes
 * billed never pass its size, which fits in 32 bits (BitTorrent's piece length is a 32-bit integer).
 */
public final class PieceBills {
    /** An empty entry's first long (no piece and bytes pack to it: pieces are not negative). */
    private static final long EMPTY = -1;
    /** Most bytes one piece's bill can hold: the low half of an entry's first long. */
    public static final long MAX_BYTES = 0xFFFF_FFFFL;

    /** Per entry: {@code piece << 32 | bytes} (or {@link #EMPTY}), then the cost. */
    private long[] table = newTable(16);
    private int capacity = 16;
    private int size;

    private static long[] newTable(int entries) {
        long[] t = new long[2 * entries];
        for (int i = 0; i < t.length; i += 2) t[i] = EMPTY;
        return t;
    }

    /** Index of {@code piece}'s entry, or of the empty entry where it would go. */
    private int slot(int piece) {
        long[] t = table;
        int mask = capacity - 1;
        int i = (piece * 0x9E3779B9) >>> 16 & mask;
        for (long e; (e = t[2 * i]) != EMPTY && (int) (e >>> 32) != piece; ) i = (i + 1) & mask;
        return 2 * i;
    }

    private boolean holds(int i, int piece) {
        long e = table[i];
        return e != EMPTY && (int) (e >>> 32) == piece;
    }

    /** Bytes of {@code piece} billed so far (0: none). */
    public long bytes(int piece) {
        int i = slot(piece);
        return holds(i, piece) ? table[i] & MAX_BYTES : 0;
    }

    /** Cost billed for {@code piece} so far (0: none). */
    public long cost(int piece) {
        int i = slot(piece);
        return holds(i, piece) ? table[i + 1] : 0;
    }

    /** Sets the bill of {@code piece}: {@code sentBytes} (0 to {@link #MAX_BYTES}) for {@code cost}. */
    public void put(int piece, long sentBytes, long cost) {
        if (piece < 0) throw new IllegalArgumentException("negative piece " + piece);
        if (sentBytes < 0 || sentBytes > MAX_BYTES) throw new IllegalArgumentException("bytes of one piece out of range: " + sentBytes);
        int i = slot(piece);
        if (table[i] == EMPTY) {
            if ((size + 1) * 2 > capacity) {
                grow();
                i = slot(piece);
            }
            size++;
        }
        table[i] = (long) piece << 32 | sentBytes;
        table[i + 1] = cost;
    }

    public int size() {
        return size;
    }

    private void grow() {
        long[] old = table;
        capacity *= 2;
        table = newTable(capacity);
        for (int j = 0; j < old.length; j += 2) {
            if (old[j] == EMPTY) continue;
            int i = slot((int) (old[j] >>> 32));
            table[i] = old[j];
            table[i + 1] = old[j + 1];
        }
    }
}
