package io.btspeed.engine.net;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Blocking token bucket for a byte rate, shared by every connection it limits. A rate of 0 means
 * unlimited and costs one volatile read. The bucket holds at most a tenth of a second of tokens
 * (and at least one 128 KiB block) so a limit cannot be overshot by a long-idle burst.
 */
public final class Throttle {
    private static final long MIN_BURST = 128 * 1024;

    private final ReentrantLock lock = new ReentrantLock();
    /** Checked first: a per-torrent limit sits under the session-wide one. */
    private final Throttle parent;
    private volatile long bytesPerSec;
    private double tokens;
    private long lastRefill = System.nanoTime();
    /** When a priority (paid) upload last took tokens: while that is recent, ordinary uploads yield. */
    private volatile long lastPriorityNanos = Long.MIN_VALUE / 2;

    /**
     * Share of the rate priority uploads get while both kinds are waiting: an ordinary block is
     * followed by a pause as long as {@code PRIORITY_WEIGHT - 1} blocks take at the limit, which the
     * priority uploads fill. Ordinary uploads keep a quarter, so plain peers are never starved.
     */
    static final int PRIORITY_WEIGHT = 4;
    /** How long after its last block a priority upload still counts as waiting for more. */
    private static final long PRIORITY_ACTIVE_NANOS = TimeUnit.MILLISECONDS.toNanos(150);

    public Throttle(long bytesPerSec) {
        this(bytesPerSec, null);
    }

    public Throttle(long bytesPerSec, Throttle parent) {
        this.parent = parent;
        setRate(bytesPerSec);
    }

    public void setRate(long newRate) {
        if (newRate < 0) throw new IllegalArgumentException("negative rate " + newRate);
        lock.lock();
        try {
            bytesPerSec = newRate;
            tokens = Math.min(tokens, burst(newRate));
            lastRefill = System.nanoTime();
        } finally {
            lock.unlock();
        }
    }

    public long rate() {
        return bytesPerSec;
    }

    /** This throttle or one above it has a limit: taking tokens may wait. */
    public boolean limited() {
        for (Throttle t = this; t != null; t = t.parent) if (t.bytesPerSec != 0) return true;
        return false;
    }

    private static double burst(long rate) {
        return Math.max(MIN_BURST, rate / 10.0);
    }

    /** Like {@link #acquire} for reader threads, which stop by having their channel closed rather than by interruption. */
    public void acquireUninterruptibly(int n) {
        boolean interrupted = false;
        while (true) {
            try {
                acquire(n);
                break;
            } catch (InterruptedException e) {
                // The bytes were (at least partly) accounted for already; retrying the full amount would double-count.
                interrupted = true;
                break;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    /** Blocks until {@code n} bytes may pass. Tokens may go negative by one request, so callers never starve on large blocks. */
    public void acquire(int n) throws InterruptedException {
        acquire(n, false);
    }

    /**
     * Like {@link #acquire(int)}, for an upload of a given class: with {@code priority} (a buyer in a
     * paid slot) it marks priority demand; without, it yields to priority demand seen in the last
     * moments (see {@link #PRIORITY_WEIGHT}). Without a limit both are free.
     */
    public void acquire(int n, boolean priority) throws InterruptedException {
        long now = System.nanoTime();
        long yieldNanos = 0;
        for (Throttle t = this; t != null; t = t.parent) {
            long rate = t.bytesPerSec;
            if (rate == 0) continue;
            if (priority) t.lastPriorityNanos = now;
            else if (now - t.lastPriorityNanos < PRIORITY_ACTIVE_NANOS) {
                yieldNanos = Math.max(yieldNanos, (long) ((PRIORITY_WEIGHT - 1) * (double) n * 1e9 / rate));
            }
        }
        sleep(yieldNanos);
        takeAll(n);
    }

    /** The parent's tokens first (the session-wide limit), then ours. */
    private void takeAll(int n) throws InterruptedException {
        if (parent != null) parent.takeAll(n);
        take(n);
    }

    private void take(int n) throws InterruptedException {
        if (bytesPerSec == 0) return; // unlimited: one volatile read, no lock
        long waitNanos;
        lock.lock();
        try {
            long rate = bytesPerSec;
            if (rate == 0) return;
            long now = System.nanoTime();
            tokens = Math.min(burst(rate), tokens + (now - lastRefill) * rate / 1e9);
            lastRefill = now;
            tokens -= n;
            waitNanos = tokens >= 0 ? 0 : (long) (-tokens * 1e9 / rate);
        } finally {
            lock.unlock();
        }
        sleep(waitNanos);
    }

    private static void sleep(long nanos) throws InterruptedException {
        if (nanos <= 0) return;
        long deadline = System.nanoTime() + nanos;
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            LockSupport.parkNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
            if (Thread.interrupted()) throw new InterruptedException();
        }
    }
}
