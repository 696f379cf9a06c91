package io.btspeed.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class SlicesTest {
    @Test
    void everyItemIsWorkedOnOnceInSlicesThatCoverTheList() {
        for (int threads = 1; threads <= 2; threads++) {
            try (Slices s = new Slices(threads)) {
                int t = threads;
                AtomicIntegerArray seen = new AtomicIntegerArray(1000);
                s.forEach(1000, 64, (from, to, part, thread) -> {
                    for (int i = from; i < to; i++) seen.incrementAndGet(i);
                });
                for (int i = 0; i < 1000; i++) assertThat(seen.get(i)).as("item %d on %d threads", i, t).isEqualTo(1);
            }
        }
    }

    @Test
    void alongsideRunsBothAtOnceOnTwoThreads() throws Exception {
        try (Slices s = new Slices(2)) {
            // each side waits for the other to have started: this ends only if the two run at the same time
            CountDownLatch theirs = new CountDownLatch(1), mine = new CountDownLatch(1);
            List<String> ran = new ArrayList<>();
            s.alongside(() -> {
                theirs.countDown();
                await(mine);
            }, () -> {
                mine.countDown();
                await(theirs);
                ran.add("mine");
            });
            assertThat(ran).containsExactly("mine");
            assertThat(theirs.getCount()).isZero();
        }
    }

    @Test
    void alongsideOnOneThreadRunsTheirsThenMine() {
        try (Slices s = new Slices(1)) {
            List<String> order = new ArrayList<>();
            s.alongside(() -> order.add("theirs"), () -> order.add("mine"));
            assertThat(order).containsExactly("theirs", "mine");
        }
    }

    @Test
    void aFailureOnTheWorkerIsPassedOnOnceMineIsDone() {
        try (Slices s = new Slices(2)) {
            List<String> order = new ArrayList<>();
            assertThatThrownBy(() -> s.alongside(() -> {
                throw new IllegalStateException("broken decision");
            }, () -> order.add("mine"))).isInstanceOf(IllegalStateException.class).hasMessage("broken decision");
            assertThat(order).containsExactly("mine");
            // the worker is still usable afterwards
            List<String> again = new ArrayList<>();
            s.alongside(() -> {}, () -> again.add("mine"));
            assertThat(again).containsExactly("mine");
        }
    }

    private static void await(CountDownLatch l) {
        try {
            if (!l.await(10, TimeUnit.SECONDS)) throw new AssertionError("the other side never started");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
