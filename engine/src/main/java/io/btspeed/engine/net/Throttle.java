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
        if (parent != null) parent.acquire(n);
        if (bytesPerSec == 0) return;
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
        if (waitNanos > 0) {
            long deadline = System.nanoTime() + waitNanos;
            long left;
            while ((left = deadline - System.nanoTime()) > 0) {
                LockSupport.parkNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
                if (Thread.interrupted()) throw new InterruptedException();
            }
        }
    }
}
