package io.btspeed.tracker;

import io.btspeed.protocol.metainfo.InfoHash;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * One announce, already decoded from HTTP or UDP and validated: the address is the one the packet
 * came from (clients may not name someone else's address), the port is 1..65535, the peer id is 20
 * bytes and the counters are not negative.
 *
 * @param numWant how many peers the client asked for; negative = the tracker's default
 */
public record AnnounceRequest(InfoHash infoHash, byte[] peerId, InetAddress address, int port,
                              long uploaded, long downloaded, long left, AnnounceEvent event, int numWant) {
    public static final int PEER_ID_LENGTH = 20;

    public AnnounceRequest {
        if (infoHash == null) throw new TrackerRequestException("missing info_hash");
        if (peerId == null || peerId.length != PEER_ID_LENGTH) {
            throw new TrackerRequestException("peer_id must be 20 bytes, got " + (peerId == null ? "none" : peerId.length));
        }
        if (address == null) throw new TrackerRequestException("missing peer address");
        if (port < 1 || port > 65535) throw new TrackerRequestException("port must be 1..65535, got " + port);
        if (uploaded < 0 || downloaded < 0 || left < 0) {
            throw new TrackerRequestException("uploaded, downloaded and left must not be negative");
        }
        if (event == null) event = AnnounceEvent.NONE;
        peerId = peerId.clone();
    }

    @Override
    public byte[] peerId() {
        return peerId.clone();
    }

    /** A seeder has nothing left to download. */
    public boolean isSeeder() {
        return left == 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AnnounceRequest r && infoHash.equals(r.infoHash) && Arrays.equals(peerId, r.peerId)
                && address.equals(r.address) && port == r.port && uploaded == r.uploaded && downloaded == r.downloaded
                && left == r.left && event == r.event && numWant == r.numWant;
    }

    @Override
    public int hashCode() {
        return infoHash.hashCode() * 31 + Arrays.hashCode(peerId) * 17 + address.hashCode() + port;
    }

    @Override
    public String toString() {
        return "AnnounceRequest[" + infoHash + " peer=" + HexFormat.of().formatHex(peerId) + " " + address.getHostAddress()
                + ":" + port + " left=" + left + " event=" + event + " numwant=" + numWant + "]";
    }
}
