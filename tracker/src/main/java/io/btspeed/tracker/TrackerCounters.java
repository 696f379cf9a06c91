package io.btspeed.tracker;

import java.util.concurrent.atomic.LongAdder;

/** Requests served since start, per kind; shared by the HTTP and UDP front ends. */
public final class TrackerCounters {
    public final LongAdder httpAnnounces = new LongAdder();
    public final LongAdder httpScrapes = new LongAdder();
    public final LongAdder udpConnects = new LongAdder();
    public final LongAdder udpAnnounces = new LongAdder();
    public final LongAdder udpScrapes = new LongAdder();
    /** Requests answered with a failure reason / error packet, or dropped as malformed. */
    public final LongAdder rejected = new LongAdder();

    public long announces() {
        return httpAnnounces.sum() + udpAnnounces.sum();
    }
}
