package io.btspeed.sim;

/**
 * Where each peer's gains of the last round's deliveries are: from which position of its log, how many, and in which
 * {@link RoundPart}'s {@link RoundPart#gains} at which offset. Written for every present peer by its delivery slice
 * (each slice its own peers), read by the next round's catch-ups, which find a neighbour's gains here, next to every
 * other peer's, instead of in the neighbour's own log (a page, and a page walk, of its own).
 *
 * <p>Two longs per peer, side by side so one read finds both: log position (low half) and count (high half), then
 * part (high half) and offset (low half).
 */
final class RoundGains {
    private final long[] meta;

    RoundGains(int peers) { meta = new long[2 * peers]; }

    /** {@code peer}'s gains this round start at log position {@code logLen}, in {@code part} at {@code offset}; none yet. */
    void start(int peer, int logLen, int part, int offset) {
        meta[2 * peer] = logLen;
        meta[2 * peer + 1] = ((long) part << 32) | offset;
    }

    /** {@code peer} gained {@code count} pieces this round, from log position {@code logFrom} (as started). */
    void gained(int peer, int logFrom, int count) {
        meta[2 * peer] = ((long) count << 32) | logFrom;
    }

    /** The log position {@code peer}'s last-round gains start at. */
    int from(int peer) { return (int) meta[2 * peer]; }

    int count(int peer) { return (int) (meta[2 * peer] >>> 32); }

    int part(int peer) { return (int) (meta[2 * peer + 1] >>> 32); }

    int offset(int peer) { return (int) meta[2 * peer + 1]; }
}
