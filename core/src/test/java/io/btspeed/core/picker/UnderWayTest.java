package io.btspeed.core.picker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class UnderWayTest {
    /** Random puts and removes, many colliding and wrapping round the table, against a plain map. */
    @Test
    void behavesAsAMapThroughGrowthAndRemovals() {
        for (long seed = 1; seed <= 30; seed++) {
            Random r = new Random(seed);
            UnderWay t = new UnderWay();
            Map<Integer, Downloading> expected = new HashMap<>();
            int range = 1 + r.nextInt(seed % 3 == 0 ? 40 : 5_000);
            for (int op = 0; op < 3_000; op++) {
                int piece = r.nextInt(range);
                if (r.nextInt(3) > 0 && !expected.containsKey(piece)) {
                    Downloading d = Downloading.create(piece, 1, 2);
                    t.put(piece, d);
                    expected.put(piece, d);
                } else {
                    assertThat(t.remove(piece)).isSameAs(expected.remove(piece));
                }
                assertThat(t.size()).isEqualTo(expected.size());
                if (op % 97 == 0) {
                    for (int p = 0; p < range; p++) assertThat(t.get(p)).as("seed %d piece %d", seed, p).isSameAs(expected.get(p));
                }
            }
            for (int p = 0; p < range; p++) assertThat(t.get(p)).isSameAs(expected.get(p));
        }
    }

    @Test
    void aPieceIsPutOnce() {
        UnderWay t = new UnderWay();
        t.put(7, Downloading.create(7, 1, 2));
        assertThatThrownBy(() -> t.put(7, Downloading.create(7, 1, 2))).isInstanceOf(IllegalStateException.class);
        assertThat(t.remove(8)).isNull();
        assertThat(t.size()).isEqualTo(1);
    }
}
