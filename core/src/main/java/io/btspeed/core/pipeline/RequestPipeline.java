package io.btspeed.core.pipeline;

import io.btspeed.core.rate.RateMeter;

/**
 * How many block requests to keep outstanding to one peer. The target is the bandwidth-delay product:
 * rate × targetLatency / blockSize, clamped to [min, max] and to the peer's advertised {@code reqq}.
 * Before the rate is known (and while it keeps growing) the depth doubles each time a full window of
 * blocks arrives — slow start — so a fast peer is not held back by a shallow queue while the meter warms up.
 * A fixed depth of a handful of requests caps a single connection at depth × block / RTT.
 *
 * <p>A peer that owes blocks and sends none for the request timeout is snubbed: the caller frees its requests
 * elsewhere ({@link #onTimeout}) and keeps only {@value #PROBE_DEPTH} probing requests out to it until it delivers
 * again. Not thread-safe.
 */
public final class RequestPipeline {
    private final int blockSize;
    private final long targetLatencyNanos;
    private final int minDepth;
    private final int maxDepth;
    private final long requestTimeoutNanos;
    private final RateMeter meter;

    private int peerReqq = Integer.MAX_VALUE;
    private boolean slowStart = true;
    private int slowStartDepth;
    private int receivedInRound;
    private double lastRoundRate;
    private long lastProgressNanos = Long.MIN_VALUE;
    private boolean snubbed;

    /** Requests kept out to a snubbed peer: enough to notice it is back, too few to stall pieces on it. */
    public static final int PROBE_DEPTH = 2;

    public RequestPipeline(int blockSize, long targetLatencyNanos, int minDepth, int maxDepth, long requestTimeoutNanos,
            RateMeter meter) {
        if (blockSize <= 0 || targetLatencyNanos <= 0 || minDepth < 1 || maxDepth < minDepth || requestTimeoutNanos <= 0) {
            throw new IllegalArgumentException("bad pipeline settings");
        }
        this.blockSize = blockSize;
        this.targetLatencyNanos = targetLatencyNanos;
        this.minDepth = minDepth;
        this.maxDepth = maxDepth;
        this.requestTimeoutNanos = requestTimeoutNanos;
        this.meter = meter;
        this.slowStartDepth = minDepth;
    }

    /** 16 KiB blocks, 1 s of data in flight, 4..2000 requests, 60 s request timeout. */
    public static RequestPipeline defaults() {
        return new RequestPipeline(16 * 1024, 1_000_000_000L, 4, 2000, 60_000_000_000L, new RateMeter());
    }

    /** From the peer's extended handshake (BEP 10 reqq); 0 or negative means not advertised. */
    public void setPeerReqq(int reqq) { this.peerReqq = reqq > 0 ? reqq : Integer.MAX_VALUE; }

    /** A requested block arrived. */
    public void onBlock(int bytes, long nowNanos) {
        meter.add(bytes, nowNanos);
        lastProgressNanos = nowNanos;
        snubbed = false;
        if (slowStart && ++receivedInRound >= slowStartDepth) {
            // one full queue delivered: if the rate still grows, double; once it stops growing, leave slow start
            double r = meter.rate(nowNanos);
            if (r > lastRoundRate * 1.1 || lastRoundRate == 0) slowStartDepth = Math.min(slowStartDepth * 2, maxDepth);
            else slowStart = false;
            lastRoundRate = r;
            receivedInRound = 0;
        }
    }

    /** We started asking (or were unchoked): timeouts count from here. */
    public void onRequestsSent(long nowNanos) {
        if (lastProgressNanos == Long.MIN_VALUE) lastProgressNanos = nowNanos;
    }

    /**
     * We sent requests while {@code outstandingBefore} were already out. With none out the peer owed us nothing, so
     * the time since its last block (say, while it choked us) must not count against it: the timeout restarts.
     */
    public void onRequestsSent(int outstandingBefore, long nowNanos) {
        if (outstandingBefore == 0 || lastProgressNanos == Long.MIN_VALUE) lastProgressNanos = nowNanos;
    }

    /** Outstanding requests we want to have to this peer now. */
    public int targetDepth(long nowNanos) {
        double rate = meter.rate(nowNanos);
        long bdp = (long) Math.ceil(rate * targetLatencyNanos / 1e9 / blockSize);
        int d = (int) Math.min(Integer.MAX_VALUE, bdp);
        if (slowStart) d = Math.max(d, slowStartDepth);
        d = Math.max(minDepth, Math.min(maxDepth, d));
        if (snubbed) d = Math.min(d, PROBE_DEPTH);
        return Math.min(d, peerReqq);
    }

    /** How many more requests to send given those already outstanding. */
    public int toRequest(int outstanding, long nowNanos) { return Math.max(0, targetDepth(nowNanos) - outstanding); }

    /**
     * True when requests are outstanding but nothing arrived for the timeout: the caller frees them in the picker
     * (and may treat the peer as snubbed).
     */
    public boolean timedOut(int outstanding, long nowNanos) {
        return outstanding > 0 && lastProgressNanos != Long.MIN_VALUE && nowNanos - lastProgressNanos >= requestTimeoutNanos;
    }

    /** After a timeout the peer is snubbed and the queue restarts small, as TCP does after loss. */
    public void onTimeout(long nowNanos) {
        snubbed = true;
        slowStart = true;
        slowStartDepth = minDepth;
        receivedInRound = 0;
        lastRoundRate = 0;
        lastProgressNanos = nowNanos;
    }

    public double rate(long nowNanos) { return meter.rate(nowNanos); }

    /** Timed out and not delivered since (for the choker: a snubbing peer loses its slot). */
    public boolean isSnubbed() { return snubbed; }
}
