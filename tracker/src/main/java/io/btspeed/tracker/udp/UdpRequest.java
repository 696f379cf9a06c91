package io.btspeed.tracker.udp;

import io.btspeed.protocol.metainfo.InfoHash;
import io.btspeed.tracker.AnnounceEvent;
import java.util.List;

/** A decoded BEP 15 request packet. */
public sealed interface UdpRequest {
    int transactionId();

    /** action 0: asks for a connection id; carries the protocol's magic number instead of one. */
    record Connect(int transactionId) implements UdpRequest {}

    /**
     * action 1 (98 bytes plus BEP 41 options).
     *
     * @param ipv4    the client's "IP address" field: 0 = use the packet's source
     * @param numWant -1 (or any negative) = the tracker's default
     */
    record Announce(long connectionId, int transactionId, InfoHash infoHash, byte[] peerId, long downloaded, long left,
                    long uploaded, AnnounceEvent event, int ipv4, int key, int numWant, int port) implements UdpRequest {}

    /** action 2: 1..{@link UdpCodec#MAX_SCRAPE_HASHES} info-hashes. */
    record Scrape(long connectionId, int transactionId, List<InfoHash> infoHashes) implements UdpRequest {
        public Scrape {
            infoHashes = List.copyOf(infoHashes);
        }
    }
}
