package io.btspeed.engine.torrent;

import io.btspeed.core.rate.RateMeter;
import java.util.concurrent.atomic.LongAdder;

/**
 * Bytes moved by socket threads, turned into a rate by core's {@link RateMeter}. Readers and writers only bump a
 * {@link LongAdder} (no lock, no clock read per block); the once-a-second tick hands the bytes since the last tick
 * to the meter, so the window arithmetic runs once a second instead of once per block.
 */
final class TransferMeter {
    private final LongAdder total = new LongAdder();
    private final RateMeter meter = new RateMeter();
    private long fed;
    private boolean primed;
    private volatile long rate;

    void add(long bytes) {
        total.add(bytes);
    }

    long total() {
        return total.sum();
    }

    /** Bytes per second as of the last {@link #sample}. */
    long rate() {
        return rate;
    }

    synchronized void sample(long nowNanos) {
        long t = total.sum();
        if (!primed) {
            // Bytes before the first sample have no known start time: put in at one instant they would read as
            // a burst. The meter starts here; they stay in the total only.
            primed = true;
            fed = t;
            meter.add(0, nowNanos);
            return;
        }
        meter.add(t - fed, nowNanos);
        fed = t;
        rate = (long) meter.rate(nowNanos);
    }
}
