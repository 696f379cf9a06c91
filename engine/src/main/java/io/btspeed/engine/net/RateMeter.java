package io.btspeed.engine.net;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counts transferred bytes; {@link #sample(long)} is called once a second by the session ticker and
 * turns the counter into a rate averaged over the last {@value #WINDOW} samples.
 */
public final class RateMeter {
    private static final int WINDOW = 5;
    private final LongAdder total = new LongAdder();
    private final long[] samples = new long[WINDOW];
    private final long[] times = new long[WINDOW];
    private int head;
    private int filled;
    private volatile long rate;

    public void add(long bytes) {
        total.add(bytes);
    }

    public long total() {
        return total.sum();
    }

    public long rate() {
        return rate;
    }

    public synchronized void sample(long nowNanos) {
        long t = total.sum();
        // The oldest sample still in the window: slot 0 while filling up, then the slot about to be overwritten.
        int oldest = filled < WINDOW ? 0 : head;
        long oldTotal = filled == 0 ? t : samples[oldest];
        long oldTime = filled == 0 ? nowNanos : times[oldest];
        samples[head] = t;
        times[head] = nowNanos;
        head = (head + 1) % WINDOW;
        if (filled < WINDOW) filled++;
        long dt = nowNanos - oldTime;
        rate = dt <= 0 ? 0 : (long) ((t - oldTotal) * 1e9 / dt);
    }
}
