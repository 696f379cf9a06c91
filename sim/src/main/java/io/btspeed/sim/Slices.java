package io.btspeed.sim;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.IntConsumer;

/**
 * The simulator's worker threads, and the one way it uses them: a step's work over a list of peers, cut into
 * contiguous slices that the calling thread and the workers take from a counter. With one thread every step runs on
 * the calling thread in one slice. Open for one run; {@link #close} stops the workers.
 */
final class Slices implements AutoCloseable {
    /**
     * Work on the items {@code from} (inclusive) to {@code to} of a list: slice {@code part} of a step (slices are
     * numbered in list order), on thread {@code thread} (0: the calling one; for scratch space only, never for results).
     */
    @FunctionalInterface
    interface Slice {
        void run(int from, int to, int part, int thread);
    }

    /** Fewest peers a slice of a per-peer step should have: fewer are not worth a hand-over to a worker. */
    static final int MIN_PEERS = 64;

    /** Slices per thread in a step: the threads take them as they come, so one that lags takes fewer. */
    static final int CHUNKS_PER_THREAD = 8;

    private final ExecutorService[] workers;

    /** {@code threads} threads in all, the calling one included. */
    Slices(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1");
        workers = new ExecutorService[threads - 1];
        for (int k = 0; k < workers.length; k++) {
            workers[k] = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "sim-worker");
                t.setDaemon(true);
                return t;
            });
        }
    }

    /** The most slices a step can be cut into (for sizing per-slice buffers). */
    static int maxParts(int threads) {
        return threads == 1 ? 1 : CHUNKS_PER_THREAD * threads;
    }

    /**
     * Runs {@code task} over {@code n} items in contiguous slices (none smaller than {@code minSlice} items, which is
     * not worth a hand-over), taken in turn by the calling thread and the workers, and returns when all are done. The
     * slices' work must be independent; results to be applied in order go into each slice's own buffers (by part
     * number), so which thread ran a slice never shows. The threads do not wait for each other slice by slice: the
     * calling thread's caches, cold after the serial steps, and slices of unequal work would otherwise leave one
     * thread idle.
     */
    void forEach(int n, int minSlice, Slice task) {
        int threadsUsed = Math.max(1, Math.min(workers.length + 1, n / minSlice));
        if (threadsUsed == 1) {
            task.run(0, n, 0, 0);
            return;
        }
        int parts = Math.min(n / minSlice, CHUNKS_PER_THREAD * threadsUsed);
        AtomicInteger next = new AtomicInteger();
        Future<?>[] done = new Future<?>[threadsUsed - 1];
        for (int t = 1; t < threadsUsed; t++) {
            int thread = t;
            done[t - 1] = workers[t - 1].submit(() -> take(n, parts, next, task, thread, null));
        }
        take(n, parts, next, task, 0, null);
        join(done);
    }

    /**
     * {@link #forEach}, and {@code inOrder} for each slice in slice order on the calling thread, as soon as that slice
     * and every one before it are done: between the calling thread's own slices, while the workers go on with theirs.
     * So what follows each slice of a step, where it must come in list order and on one thread, no longer waits for
     * the whole step, and the workers do not wait for it either (the one-thread steps between two parallel ones left
     * them idle). The caller's part is that {@code inOrder(k)} writes nothing any slice reads: it runs while later
     * slices are under way. With one thread: the one slice, then {@code inOrder(0)}. A failure on a worker is passed on
     * once the calling thread stops waiting for the slice it left undone.
     */
    void forEachInOrder(int n, int minSlice, Slice task, IntConsumer inOrder) {
        int threadsUsed = Math.max(1, Math.min(workers.length + 1, n / minSlice));
        if (threadsUsed == 1) {
            task.run(0, n, 0, 0);
            inOrder.accept(0);
            return;
        }
        int parts = Math.min(n / minSlice, CHUNKS_PER_THREAD * threadsUsed);
        AtomicInteger next = new AtomicInteger();
        AtomicIntegerArray done = new AtomicIntegerArray(parts);
        AtomicBoolean failed = new AtomicBoolean();
        Future<?>[] futures = new Future<?>[threadsUsed - 1];
        for (int t = 1; t < threadsUsed; t++) {
            int thread = t;
            futures[t - 1] = workers[t - 1].submit(() -> {
                try {
                    take(n, parts, next, task, thread, done);
                } catch (RuntimeException | Error e) {
                    failed.set(true);
                    throw e;
                }
            });
        }
        try {
            int ordered = 0;
            while (ordered < parts && !failed.get()) {
                if (done.get(ordered) != 0) {
                    inOrder.accept(ordered++);
                    continue;
                }
                int k = next.getAndIncrement();
                if (k < parts) {
                    runSlice(n, parts, k, task, 0);
                    done.set(k, 1);
                } else {
                    Thread.onSpinWait(); // the slice next in order is a worker's, under way
                }
            }
        } finally {
            join(futures);
        }
    }

    /** Threads in all, the calling one included. */
    int threads() { return workers.length + 1; }

    /**
     * Runs {@code theirs} on a worker and {@code mine} on the calling thread at the same time, and returns when both
     * are done (passing on what failed on either). With one thread, {@code theirs} runs first, then {@code mine}.
     * What the two share is theirs to coordinate; {@code mine} must not wait for {@code theirs} to do something
     * without an end, or a failure there would leave it waiting.
     */
    void alongside(Runnable theirs, Runnable mine) {
        if (workers.length == 0) {
            theirs.run();
            mine.run();
            return;
        }
        Future<?> done = workers[0].submit(theirs);
        try {
            mine.run();
        } finally {
            join(new Future<?>[] {done});
        }
    }

    /**
     * Runs the slices not yet taken, one after another, on this thread; with {@code done}, marks each one done once it
     * is (the mark publishes what the slice wrote).
     */
    private static void take(int n, int parts, AtomicInteger next, Slice task, int thread, AtomicIntegerArray done) {
        for (int k; (k = next.getAndIncrement()) < parts; ) {
            runSlice(n, parts, k, task, thread);
            if (done != null) done.set(k, 1);
        }
    }

    /** Slice {@code k} of {@code parts} over {@code n} items. */
    private static void runSlice(int n, int parts, int k, Slice task, int thread) {
        task.run((int) ((long) n * k / parts), (int) ((long) n * (k + 1) / parts), k, thread);
    }

    /** Waits for the workers' slices, passing on what failed there. */
    private static void join(Future<?>[] done) {
        for (var f : done) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while workers ran", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) throw r;
                if (e.getCause() instanceof Error err) throw err;
                throw new IllegalStateException(e.getCause());
            }
        }
    }

    /** CPU time the workers have used so far, in nanoseconds. */
    long workersCpuNanos() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long cpu = 0;
        for (var w : workers) {
            try {
                cpu += w.submit(mx::getCurrentThreadCpuTime).get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
        }
        return cpu;
    }

    @Override
    public void close() {
        for (var w : workers) w.shutdownNow();
    }
}
