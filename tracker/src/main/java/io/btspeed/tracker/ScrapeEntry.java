package io.btspeed.tracker;

/** Counts of one swarm for scrape (BEP 48 / BEP 15): complete, downloaded, incomplete. */
public record ScrapeEntry(int seeders, int completed, int leechers) {
    public static final ScrapeEntry EMPTY = new ScrapeEntry(0, 0, 0);
}
