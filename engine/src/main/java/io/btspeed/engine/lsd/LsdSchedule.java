package io.btspeed.engine.lsd;

import io.btspeed.protocol.metainfo.InfoHash;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * When to announce which torrent, sans I/O (time passed in, millis). A torrent is announced as
 * soon as it is added and then every interval (BEP 14 suggests five minutes); a torrent re-added
 * or asked for again is never announced twice within {@code minGapMillis}, so a restart loop or an
 * eager caller cannot turn us into a multicast flood. Not thread-safe.
 */
public final class LsdSchedule {
    private final long intervalMillis;
    private final long minGapMillis;
    private final Map<InfoHash, long[]> next = new LinkedHashMap<>(); // [nextDue, lastSent]

    public LsdSchedule(long intervalMillis, long minGapMillis) {
        if (intervalMillis < minGapMillis || minGapMillis < 0) throw new IllegalArgumentException("need 0 <= min gap <= interval");
        this.intervalMillis = intervalMillis;
        this.minGapMillis = minGapMillis;
    }

    /** Starts announcing {@code h}: at once, unless it was sent less than the minimum gap ago. */
    public void add(InfoHash h, long now) {
        long[] t = next.get(h);
        if (t == null) {
            next.put(h, new long[] {now, Long.MIN_VALUE});
        } else {
            t[0] = Math.min(t[0], earliest(t, now));
        }
    }

    /** Asks for an early announce (a new peer is wanted now), still within the minimum gap. */
    public void poke(InfoHash h, long now) {
        long[] t = next.get(h);
        if (t != null) t[0] = Math.min(t[0], earliest(t, now));
    }

    private long earliest(long[] t, long now) {
        return t[1] == Long.MIN_VALUE ? now : Math.max(now, t[1] + minGapMillis);
    }

    public void remove(InfoHash h) {
        next.remove(h);
    }

    /** The torrents to announce now (at most {@code max}); each is rescheduled one interval ahead. */
    public List<InfoHash> due(long now, int max) {
        List<InfoHash> out = new ArrayList<>();
        for (var e : next.entrySet()) {
            if (out.size() == max) break;
            long[] t = e.getValue();
            if (t[0] <= now) {
                out.add(e.getKey());
                t[1] = now;
                t[0] = now + intervalMillis;
            }
        }
        return out;
    }

    /** The earliest time anything is due, or {@link Long#MAX_VALUE} when nothing is scheduled. */
    public long nextDue() {
        long min = Long.MAX_VALUE;
        for (long[] t : next.values()) min = Math.min(min, t[0]);
        return min;
    }
}
