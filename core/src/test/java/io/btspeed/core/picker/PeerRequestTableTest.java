package io.btspeed.core.picker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PeerRequestTableTest {
    /** A peer handle whose hash collides often and whose equal copies are distinct objects, as a record's can be. */
    record Handle(int id) {
        @Override
        public int hashCode() { return id % 7; }
    }

    @Test
    void behavesLikeAHashMapUnderRandomPutsAndRemoves() {
        Random r = new Random(42);
        PeerRequestTable t = new PeerRequestTable();
        Map<Object, BlockKeySet> ref = new HashMap<>();
        for (int step = 0; step < 50_000; step++) {
            Handle h = new Handle(r.nextInt(200)); // a fresh but equal object: lookups go by equals
            switch (r.nextInt(3)) {
                case 0 -> {
                    BlockKeySet s = new BlockKeySet();
                    t.put(h, s);
                    ref.put(h, s);
                }
                case 1 -> {
                    t.remove(h);
                    ref.remove(h);
                }
                default -> assertThat(t.get(h)).isSameAs(ref.get(h));
            }
            assertThat(t.size()).isEqualTo(ref.size());
        }
        for (int id = 0; id < 200; id++) assertThat(t.get(new Handle(id))).isSameAs(ref.get(new Handle(id)));
    }

    static final class Peer extends PeerHandle {}

    /** Handles keep their request set, shared handles fall back to the table: picks and arrivals as with plain keys. */
    @Test
    void handlesBehaveLikePlainKeysEvenWhenSharedByTwoPickers() {
        int n = 64, b = PiecePicker.BLOCK_SIZE;
        io.btspeed.core.bitfield.Bitfield all = io.btspeed.core.bitfield.Bitfield.full(n);
        PiecePicker a = new PiecePicker(b, (long) n * b, new io.btspeed.core.bitfield.Bitfield(n), new Random(1));
        PiecePicker c = new PiecePicker(b, (long) n * b, new io.btspeed.core.bitfield.Bitfield(n), new Random(1));
        PiecePicker plain = new PiecePicker(b, (long) n * b, new io.btspeed.core.bitfield.Bitfield(n), new Random(1));
        Peer x = new Peer(), y = new Peer();
        for (PiecePicker p : new PiecePicker[] {a, c, plain}) p.peerBitfield(all);
        var fromA = a.pickBlocks(x, all, 5, null);
        var fromC = c.pickBlocks(x, all, 5, null); // x's set for c lives in c's table
        var fromPlain = plain.pickBlocks("x", all, 5, null);
        assertThat(fromA).isEqualTo(fromPlain);
        assertThat(fromC).isEqualTo(fromPlain);
        assertThat(a.outstandingCount(x)).isEqualTo(5);
        assertThat(c.outstandingCount(x)).isEqualTo(5);
        assertThat(a.outstandingCount(y)).isZero();
        assertThat(a.isRequested(x, fromA.get(0).piece(), 0)).isTrue();
        assertThat(c.onBlockReceived(x, fromC.get(0).piece(), 0).kind()).isEqualTo(BlockResult.Kind.NEW);
        assertThat(c.outstandingCount(x)).isEqualTo(4);
        assertThat(a.outstandingCount(x)).isEqualTo(5);
        a.onPeerGone(x);
        assertThat(a.outstandingCount(x)).isZero();
        assertThat(c.outstandingCount(x)).isEqualTo(4);
        // the handle is free again: another picker may keep its set there now
        assertThat(plain.pickBlocks(x, all, 2, null)).hasSize(2);
        assertThat(plain.outstandingCount(x)).isEqualTo(2);
        assertThat(plain.outstandingCount("x")).isEqualTo(5);
    }
}
