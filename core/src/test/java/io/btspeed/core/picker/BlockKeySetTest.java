package io.btspeed.core.picker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BlockKeySetTest {
    /** Random adds and removes agree with java.util.HashSet, including across growth and backward-shift deletes. */
    @Test
    void behavesLikeAHashSet() {
        for (long seed = 1; seed <= 5; seed++) {
            Random r = new Random(seed);
            BlockKeySet s = new BlockKeySet();
            Set<Long> ref = new HashSet<>();
            for (int i = 0; i < 20_000; i++) {
                // few pieces, many blocks: keys collide in the low bits the way block keys do
                long key = ((long) r.nextInt(64) << 32) | r.nextInt(64);
                int op = r.nextInt(3);
                if (op == 0) assertThat(s.remove(key)).as("seed %d remove %x", seed, key).isEqualTo(ref.remove(key));
                else assertThat(s.add(key)).as("seed %d add %x", seed, key).isEqualTo(ref.add(key));
                assertThat(s.size()).isEqualTo(ref.size());
            }
            assertSameKeys(s, ref, 64, 64);
            assertClears(s);
        }
    }

    /** Sets that start small (keys held without a table) and may grow into one agree with java.util.HashSet. */
    @Test
    void smallSetsBehaveLikeAHashSet() {
        Random r = new Random(7);
        for (int trial = 0; trial < 2_000; trial++) {
            BlockKeySet s = new BlockKeySet();
            Set<Long> ref = new HashSet<>();
            int universe = 2 + r.nextInt(4);
            for (int i = 0; i < 12; i++) {
                long key = ((long) r.nextInt(universe) << 32) | r.nextInt(2);
                if (r.nextInt(3) == 0) assertThat(s.remove(key)).isEqualTo(ref.remove(key));
                else assertThat(s.add(key)).isEqualTo(ref.add(key));
                assertThat(s.size()).isEqualTo(ref.size());
                assertSameKeys(s, ref, universe, 2);
            }
            assertClears(s);
        }
    }

    /** Membership of every key of {@code pieces} × {@code blocks}, and iteration, match the reference set. */
    private static void assertSameKeys(BlockKeySet s, Set<Long> ref, long pieces, long blocks) {
        for (long p = 0; p < pieces; p++) for (long b = 0; b < blocks; b++) {
            long key = (p << 32) | b;
            assertThat(s.contains(key)).isEqualTo(ref.contains(key));
        }
        Set<Long> seen = new HashSet<>();
        s.forEach(seen::add);
        assertThat(seen).isEqualTo(ref);
    }

    private static void assertClears(BlockKeySet s) {
        s.clear();
        assertThat(s.isEmpty()).isTrue();
        assertThat(s.contains(0)).isFalse();
    }
}
