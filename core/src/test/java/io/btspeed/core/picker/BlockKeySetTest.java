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
            for (long p = 0; p < 64; p++) for (long b = 0; b < 64; b++) {
                long key = (p << 32) | b;
                assertThat(s.contains(key)).isEqualTo(ref.contains(key));
            }
            Set<Long> seen = new HashSet<>();
            s.forEach(seen::add);
            assertThat(seen).isEqualTo(ref);
            s.clear();
            assertThat(s.isEmpty()).isTrue();
            assertThat(s.contains(0)).isFalse();
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
                for (long p = 0; p < universe; p++) for (long b = 0; b < 2; b++) {
                    assertThat(s.contains((p << 32) | b)).isEqualTo(ref.contains((p << 32) | b));
                }
                Set<Long> seen = new HashSet<>();
                s.forEach(seen::add);
                assertThat(seen).isEqualTo(ref);
            }
            s.clear();
            assertThat(s.isEmpty()).isTrue();
            assertThat(s.contains(0)).isFalse();
        }
    }
}
