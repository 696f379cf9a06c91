package io.btspeed.tracker;

import java.util.List;

/** What the registry answers to an announce: peers and counts, or a reason to refuse. */
public sealed interface AnnounceResult {

    /**
     * @param interval    seconds until the client should announce again
     * @param minInterval seconds the client must at least wait
     * @param seeders     peers with nothing left (BEP 3 "complete")
     * @param leechers    peers still downloading ("incomplete")
     */
    record Accepted(int interval, int minInterval, int seeders, int leechers, List<PeerEntry> peers) implements AnnounceResult {
        public Accepted {
            peers = List.copyOf(peers);
        }
    }

    /** The reason is sent to the client as the HTTP "failure reason" or the UDP error message. */
    record Refused(String reason) implements AnnounceResult {}
}
