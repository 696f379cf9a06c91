package io.btspeed.core.choke;

/**
 * @param nowNanos current time
 * @param seeding  we have the whole torrent (rank by upload rate instead of download rate)
 * @param slots    upload slots in total, including the optimistic one
 * @param round    choke round number, increasing by one per round
 */
public record ChokeContext(long nowNanos, boolean seeding, int slots, long round) {
    public ChokeContext {
        if (slots < 1) throw new IllegalArgumentException("need at least one upload slot");
    }
}
