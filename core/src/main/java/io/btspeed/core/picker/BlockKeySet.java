package io.btspeed.core.picker;

import java.util.Arrays;
import java.util.function.LongConsumer;

/**
 * A set of non-negative block keys without boxing: the picker touches a peer's outstanding set for every block
 * requested and received, hundreds of thousands of times per second on a fast link. Open addressing with linear
 * probing; removal shifts the following run back so no tombstones build up.
 *
 * <p>A {@link PeerHandle} is such a set itself, so the picker reaches a handle's requests without loading another
 * object: a simulator's handle is cold whenever it is picked for, and a set of its own was one more cache miss.
 */
sealed class BlockKeySet permits PeerHandle {
    private static final long EMPTY = -1;
    /**
     * Up to two keys are kept in these fields, with no table: a peer with a piece or two requested (a simulator's
     * links, a slow peer) then costs one object and one cache line per lookup instead of two. A third key moves
     * them into the table, which stays in use from then on.
     */
    private long k0 = EMPTY, k1 = EMPTY;
    private long[] slots;
    private int size;

    private static long[] newTable(int capacity) {
        long[] t = new long[capacity];
        Arrays.fill(t, EMPTY);
        return t;
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    private int home(long key, int mask) {
        return (int) ((key * 0x9E3779B97F4A7C15L) >>> 40) & mask;
    }

    boolean contains(long key) {
        if (slots == null) return key >= 0 && (k0 == key || k1 == key);
        int mask = slots.length - 1;
        for (int i = home(key, mask); ; i = (i + 1) & mask) {
            long k = slots[i];
            if (k == key) return true;
            if (k == EMPTY) return false;
        }
    }

    boolean add(long key) {
        if (key < 0) throw new IllegalArgumentException("negative key");
        if (slots == null) {
            if (k0 == key || k1 == key) return false;
            if (k0 == EMPTY) {
                k0 = key;
                size++;
                return true;
            }
            if (k1 == EMPTY) {
                k1 = key;
                size++;
                return true;
            }
            // a third key: from now on the table
            slots = newTable(16);
            size = 0;
            put(k0);
            put(k1);
            k0 = k1 = EMPTY;
        }
        return put(key);
    }

    private boolean put(long key) {
        if ((size + 1) * 2 > slots.length) grow();
        int mask = slots.length - 1;
        for (int i = home(key, mask); ; i = (i + 1) & mask) {
            long k = slots[i];
            if (k == key) return false;
            if (k == EMPTY) {
                slots[i] = key;
                size++;
                return true;
            }
        }
    }

    boolean remove(long key) {
        if (slots == null) {
            if (key < 0) return false;
            if (k0 == key) k0 = EMPTY;
            else if (k1 == key) k1 = EMPTY;
            else return false;
            size--;
            return true;
        }
        int mask = slots.length - 1;
        int i = home(key, mask);
        while (true) {
            long k = slots[i];
            if (k == EMPTY) return false;
            if (k == key) break;
            i = (i + 1) & mask;
        }
        // shift later members of the run back over the hole so lookups never stop early
        int hole = i;
        for (int j = (hole + 1) & mask; slots[j] != EMPTY; j = (j + 1) & mask) {
            int h = home(slots[j], mask);
            // slots[j] may fill the hole if its home is not cyclically within (hole, j]
            if (((j - h) & mask) >= ((j - hole) & mask)) {
                slots[hole] = slots[j];
                hole = j;
            }
        }
        slots[hole] = EMPTY;
        size--;
        return true;
    }

    void forEach(LongConsumer action) {
        if (slots == null) {
            // copies first: the action may remove from this set
            long a = k0, b = k1;
            if (a != EMPTY) action.accept(a);
            if (b != EMPTY) action.accept(b);
            return;
        }
        for (long k : slots) if (k != EMPTY) action.accept(k);
    }

    void clear() {
        if (size == 0) return;
        if (slots == null) k0 = k1 = EMPTY;
        else Arrays.fill(slots, EMPTY);
        size = 0;
    }

    private void grow() {
        long[] old = slots;
        slots = newTable(old.length * 2);
        size = 0;
        for (long k : old) if (k != EMPTY) put(k);
    }
}
