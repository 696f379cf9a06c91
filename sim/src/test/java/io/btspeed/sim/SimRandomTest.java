package io.btspeed.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SimRandomTest {
    @Test
    void drawsTheSameSequenceAsJavaUtilRandom() {
        for (long seed : new long[] {0, 1, -1, 42, Long.MIN_VALUE, 0x9E3779B97F4A7C15L}) {
            Random a = new Random(seed), b = new SimRandom(seed);
            for (int i = 0; i < 2_000; i++) {
                switch (i % 8) {
                    case 0 -> assertThat(b.nextInt()).isEqualTo(a.nextInt());
                    case 1 -> assertThat(b.nextInt(1 + i)).isEqualTo(a.nextInt(1 + i)); // powers of two and not
                    case 2 -> assertThat(b.nextInt(64)).isEqualTo(a.nextInt(64));
                    case 3 -> assertThat(b.nextLong()).isEqualTo(a.nextLong());
                    case 4 -> assertThat(b.nextDouble()).isEqualTo(a.nextDouble());
                    case 5 -> assertThat(b.nextBoolean()).isEqualTo(a.nextBoolean());
                    case 6 -> assertThat(b.nextGaussian()).isEqualTo(a.nextGaussian());
                    default -> assertThat(b.nextInt(-5, 1_000_003)).isEqualTo(a.nextInt(-5, 1_000_003));
                }
            }
        }
    }

    @Test
    void reseedingStartsTheSequenceOver() {
        Random a = new Random(7);
        SimRandom b = new SimRandom(99);
        b.nextLong();
        b.nextGaussian(); // leaves a Gaussian cached, which a new seed drops as Random's does
        b.setSeed(7);
        for (int i = 0; i < 100; i++) assertThat(b.nextGaussian()).isEqualTo(a.nextGaussian());
    }
}
