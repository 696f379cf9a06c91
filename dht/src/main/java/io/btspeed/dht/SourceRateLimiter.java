package io.btspeed.dht;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * Token bucket per source IP: a flood from one address is dropped before it is even decoded.
 * The table of sources is bounded; when spoofed floods from many addresses fill it, idle entries
 * go first, then all of them (a reset forgives a few packets, an unbounded map would be worse).
 * Sans-I/O: time comes in as nanoseconds.
 */
public final class SourceRateLimiter {
    private static final long IDLE_NANOS = 10_000_000_000L;

    private final double perNano;
    private final double burst;
    private final int maxSources;
    private final Map<InetAddress, double[]> buckets = new HashMap<>(); // [tokens, lastNanos]
    private long dropped;

    public SourceRateLimiter(double perSecond, int burst, int maxSources) {
        if (perSecond <= 0 || burst < 1 || maxSources < 1) throw new IllegalArgumentException("bad rate limits");
        this.perNano = perSecond / 1e9;
        this.burst = burst;
        this.maxSources = maxSources;
    }

    public synchronized boolean allow(InetAddress source, long nowNanos) {
        double[] b = buckets.get(source);
        if (b == null) {
            if (buckets.size() >= maxSources) evict(nowNanos);
            b = new double[] {burst, nowNanos};
            buckets.put(source, b);
        }
        b[0] = Math.min(burst, b[0] + (nowNanos - (long) b[1]) * perNano);
        b[1] = nowNanos;
        if (b[0] >= 1) {
            b[0] -= 1;
            return true;
        }
        dropped++;
        return false;
    }

    private void evict(long nowNanos) {
        buckets.values().removeIf(b -> nowNanos - (long) b[1] > IDLE_NANOS);
        if (buckets.size() >= maxSources) buckets.clear();
    }

    public synchronized long dropped() {
        return dropped;
    }

    public synchronized int trackedSources() {
        return buckets.size();
    }
}
