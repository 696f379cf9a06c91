package io.btspeed.core.rate;

/**
 * Rate-limiter arithmetic for a global upload or download cap: tokens (bytes) refill at {@code bytesPerSecond}
 * up to {@code burst}. No clock and no sleeping — the caller passes now and waits as told.
 */
public final class TokenBucket {
    private long bytesPerSecond;
    private final long burst;
    private double tokens;
    private long lastNanos;
    private boolean started;

    /** bytesPerSecond 0 = unlimited. */
    public TokenBucket(long bytesPerSecond, long burst) {
        if (bytesPerSecond < 0 || burst <= 0) throw new IllegalArgumentException("bad limiter settings");
        this.bytesPerSecond = bytesPerSecond;
        this.burst = burst;
        this.tokens = burst;
    }

    public void setRate(long bytesPerSecond, long nowNanos) {
        refill(nowNanos);
        this.bytesPerSecond = bytesPerSecond;
    }

    public boolean unlimited() { return bytesPerSecond == 0; }

    /** Takes up to {@code wanted} bytes now; returns how many were granted (0..wanted). */
    public long tryTake(long wanted, long nowNanos) {
        if (wanted < 0) throw new IllegalArgumentException("negative request");
        if (unlimited()) return wanted;
        refill(nowNanos);
        long granted = Math.min(wanted, (long) tokens);
        tokens -= granted;
        return granted;
    }

    /** Nanoseconds until {@code bytes} (capped at burst) could be granted; 0 if now. */
    public long nanosUntil(long bytes, long nowNanos) {
        if (unlimited()) return 0;
        refill(nowNanos);
        double need = Math.min(bytes, burst) - tokens;
        if (need <= 0) return 0;
        return (long) Math.ceil(need * 1e9 / bytesPerSecond);
    }

    private void refill(long nowNanos) {
        if (!started) {
            started = true;
            lastNanos = nowNanos;
            return;
        }
        long dt = nowNanos - lastNanos;
        if (dt <= 0) return;
        lastNanos = nowNanos;
        if (bytesPerSecond > 0) tokens = Math.min(burst, tokens + dt * (bytesPerSecond / 1e9));
    }
}
