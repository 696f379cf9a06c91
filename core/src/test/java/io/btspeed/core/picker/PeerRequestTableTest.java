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
}
