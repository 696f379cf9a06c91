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
    void inOrderFollowsEachSliceInListOrderOnTheCallingThread() {
        for (int threads = 1; threads <= 2; threads++) {
            try (Slices s = new Slices(threads)) {
                int t = threads;
                Thread caller = Thread.currentThread();
                AtomicIntegerArray doneItems = new AtomicIntegerArray(1000);
                List<int[]> ranges = new ArrayList<>(); // per part: from, to (parts are numbered in list order)
                for (int k = 0; k < Slices.maxParts(t); k++) ranges.add(null);
                List<Integer> order = new ArrayList<>();
                s.forEachInOrder(1000, 64, (from, to, part, thread) -> {
                    synchronized (ranges) { ranges.set(part, new int[] {from, to}); }
                    for (int i = from; i < to; i++) doneItems.incrementAndGet(i);
                }, part -> {
                    assertThat(Thread.currentThread()).isSameAs(caller);
                    int[] r;
                    synchronized (ranges) { r = ranges.get(part); }
                    // the slice and every one before it are done when it comes in order
                    for (int i = 0; i < r[1]; i++) assertThat(doneItems.get(i)).as("item %d before part %d", i, part).isEqualTo(1);
                    order.add(part);
                });
                assertThat(order).as("on %d threads", t).isNotEmpty();
                for (int k = 0; k < order.size(); k++) assertThat(order.get(k)).isEqualTo(k);
                assertThat(ranges.get(order.size() - 1)[1]).isEqualTo(1000);
                for (int i = 0; i < 1000; i++) assertThat(doneItems.get(i)).isEqualTo(1);
            }
        }
    }

    @Test
    void aFailedSliceOnTheWorkerEndsTheWaitInOrder() {
        try (Slices s = new Slices(2)) {
            // the worker's slices fail; the calling thread must not wait forever for them to come in order
            Thread caller = Thread.currentThread();
            assertThatThrownBy(() -> s.forEachInOrder(1000, 64, (from, to, part, thread) -> {
                if (Thread.currentThread() != caller) throw new IllegalStateException("broken delivery");
                sleepQuietly(5); // leave the worker time to take a slice
            }, part -> {})).isInstanceOf(IllegalStateException.class).hasMessage("broken delivery");
            // the worker is still usable afterwards
            AtomicIntegerArray seen = new AtomicIntegerArray(200);
            s.forEachInOrder(200, 64, (from, to, part, thread) -> {
                for (int i = from; i < to; i++) seen.incrementAndGet(i);
            }, part -> {});
            for (int i = 0; i < 200; i++) assertThat(seen.get(i)).isEqualTo(1);
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
