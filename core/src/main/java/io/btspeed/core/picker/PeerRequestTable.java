package io.btspeed.core.picker;

/**
 * Each peer's set of outstanding requests, by peer handle ({@code equals}/{@code hashCode}, as a {@code HashMap}
 * would). Open addressing with the key and its set side by side in one array: a lookup reads one slot's line and the
 * set, where a {@code HashMap} reads its table, then a node elsewhere. The picker looks a peer up on every pick and
 * every block received; a simulator does that for tens of millions of pieces. Removal shifts the rest of the run back,
 * so no tombstones build up.
 */
final class PeerRequestTable {
    /** Key at {@code 2i}, its set at {@code 2i + 1}; null key = empty slot. */
    private Object[] slots = new Object[2 * 16];
    private int size;

    private static int home(Object peer, int mask) {
        int h = peer.hashCode() * 0x9E3779B9;
        return (h ^ (h >>> 16)) & mask;
    }

    BlockKeySet get(Object peer) {
        Object[] t = slots;
        int mask = (t.length >>> 1) - 1;
        for (int i = home(peer, mask); ; i = (i + 1) & mask) {
            Object k = t[2 * i];
            if (k == null) return null;
            if (k == peer || k.equals(peer)) return (BlockKeySet) t[2 * i + 1];
        }
    }

    void put(Object peer, BlockKeySet set) {
        if ((size + 1) * 2 > slots.length >>> 1) grow();
        Object[] t = slots;
        int mask = (t.length >>> 1) - 1;
        for (int i = home(peer, mask); ; i = (i + 1) & mask) {
            Object k = t[2 * i];
            if (k == null) {
                t[2 * i] = peer;
                t[2 * i + 1] = set;
                size++;
                return;
            }
            if (k == peer || k.equals(peer)) {
                t[2 * i + 1] = set;
                return;
            }
        }
    }

    void remove(Object peer) {
        Object[] t = slots;
        int mask = (t.length >>> 1) - 1;
        int i = home(peer, mask);
        while (true) {
            Object k = t[2 * i];
            if (k == null) return;
            if (k == peer || k.equals(peer)) break;
            i = (i + 1) & mask;
        }
        // shift later members of the run back over the hole so lookups never stop early
        int hole = i;
        for (int j = (hole + 1) & mask; t[2 * j] != null; j = (j + 1) & mask) {
            int h = home(t[2 * j], mask);
            // the entry at j may fill the hole if its home is not cyclically within (hole, j]
            if (((j - h) & mask) >= ((j - hole) & mask)) {
                t[2 * hole] = t[2 * j];
                t[2 * hole + 1] = t[2 * j + 1];
                hole = j;
            }
        }
        t[2 * hole] = null;
        t[2 * hole + 1] = null;
        size--;
    }

    int size() { return size; }

    private void grow() {
        Object[] old = slots;
        slots = new Object[old.length * 2];
        size = 0;
        for (int i = 0; i < old.length; i += 2) if (old[i] != null) put(old[i], (BlockKeySet) old[i + 1]);
    }
}
