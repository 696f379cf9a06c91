package io.btspeed.engine.tracker;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * What a tracker answered. {@code minIntervalSeconds} is 0 when the tracker gave none; {@code seeders}
 * and {@code leechers} are -1 when unknown; {@code warning} is null when there was none. Peers are
 * literal addresses only (never names to resolve), without duplicates, in the tracker's order.
 */
public record AnnounceResponse(int intervalSeconds, int minIntervalSeconds, List<InetSocketAddress> peers, int seeders,
                               int leechers, String warning) {
    public AnnounceResponse {
        if (intervalSeconds < 0 || minIntervalSeconds < 0) throw new IllegalArgumentException("negative interval");
        peers = List.copyOf(peers);
    }
}
