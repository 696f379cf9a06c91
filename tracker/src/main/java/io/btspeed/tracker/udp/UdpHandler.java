package io.btspeed.tracker.udp;

import io.btspeed.protocol.ProtocolException;
import io.btspeed.protocol.metainfo.InfoHash;
import io.btspeed.tracker.AnnounceRequest;
import io.btspeed.tracker.AnnounceResult;
import io.btspeed.tracker.ScrapeEntry;
import io.btspeed.tracker.SwarmRegistry;
import io.btspeed.tracker.TrackerCounters;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The BEP 15 rules, sans I/O: one datagram in, one reply (or nothing) out. Malformed packets get an
 * error packet when they carry a transaction id and are dropped otherwise. Announce and scrape need
 * a connection id issued to the same address and port, so replies (the only ones bigger than their
 * request) go only to addresses that proved they receive packets. Not thread-safe.
 */
public final class UdpHandler {
    private final SwarmRegistry registry;
    private final TrackerCounters counters;
    private final ConnectionIds ids;

    public UdpHandler(SwarmRegistry registry, TrackerCounters counters, ConnectionIds ids) {
        this.registry = registry;
        this.counters = counters;
        this.ids = ids;
    }

    /** Answers one datagram received at time {@code now} (monotonic millis); null = drop it. */
    public ByteBuffer handle(ByteBuffer packet, InetSocketAddress from, long now) {
        UdpRequest req;
        try {
            req = UdpCodec.decode(packet);
        } catch (UdpRequestException e) {
            counters.rejected.increment();
            return e.transactionId().isPresent() ? UdpCodec.error(e.transactionId().getAsInt(), e.getMessage()) : null;
        } catch (ProtocolException e) {
            counters.rejected.increment();
            return null;
        }
        return switch (req) {
            case UdpRequest.Connect c -> {
                counters.udpConnects.increment();
                yield UdpCodec.connectReply(c.transactionId(), ids.issue(from, now));
            }
            case UdpRequest.Announce a -> {
                counters.udpAnnounces.increment();
                if (!ids.valid(a.connectionId(), from, now)) yield badConnection(a.transactionId());
                yield announce(a, from, now);
            }
            case UdpRequest.Scrape s -> {
                counters.udpScrapes.increment();
                if (!ids.valid(s.connectionId(), from, now)) yield badConnection(s.transactionId());
                List<ScrapeEntry> out = new ArrayList<>(s.infoHashes().size());
                for (InfoHash h : s.infoHashes()) out.add(registry.tracks(h) ? registry.scrape(h) : ScrapeEntry.EMPTY);
                yield UdpCodec.scrapeReply(s.transactionId(), out);
            }
        };
    }

    private ByteBuffer badConnection(int tx) {
        counters.rejected.increment();
        return UdpCodec.error(tx, "connection id unknown or expired; connect again");
    }

    private ByteBuffer announce(UdpRequest.Announce a, InetSocketAddress from, long now) {
        InetAddress address = from.getAddress();
        if (registry.config().trustClientIp() && a.ipv4() != 0 && address instanceof Inet4Address) {
            address = ipv4(a.ipv4());
        }
        int family = address instanceof Inet4Address ? SwarmRegistry.IPV4 : SwarmRegistry.IPV6;
        int cap = UdpCodec.maxPeersPerReply(family);
        int numWant = a.numWant() < 0 ? -1 : Math.min(a.numWant(), cap);
        AnnounceRequest r;
        try {
            r = new AnnounceRequest(a.infoHash(), a.peerId(), address, a.port(), a.uploaded(), a.downloaded(), a.left(), a.event(),
                    numWant < 0 ? Math.min(registry.config().defaultNumWant(), cap) : numWant);
        } catch (ProtocolException e) {
            counters.rejected.increment();
            return UdpCodec.error(a.transactionId(), e.getMessage());
        }
        return switch (registry.announce(r, now, family)) {
            case AnnounceResult.Accepted ok ->
                    UdpCodec.announceReply(a.transactionId(), ok.interval(), ok.leechers(), ok.seeders(), ok.peers(), family);
            case AnnounceResult.Refused no -> {
                counters.rejected.increment();
                yield UdpCodec.error(a.transactionId(), no.reason());
            }
        };
    }

    private static InetAddress ipv4(int ip) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) (ip >>> 24), (byte) (ip >>> 16), (byte) (ip >>> 8), (byte) ip});
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 bytes are always an address", e);
        }
    }

}
