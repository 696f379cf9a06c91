package io.btspeed.tracker.udp;

import io.btspeed.protocol.ProtocolException;
import io.btspeed.protocol.metainfo.InfoHash;
import io.btspeed.tracker.AnnounceRequest;
import io.btspeed.tracker.AnnounceResult;
import io.btspeed.tracker.ScrapeEntry;
import io.btspeed.tracker.SwarmRegistry;
import io.btspeed.tracker.TrackerCounters;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The UDP front end (BEP 15) on one DatagramChannel served by one thread: a request is a few
 * microseconds of work, so one thread keeps up with a busy tracker and needs no locking around the
 * connection-id MAC. Malformed packets get an error packet when they carry a transaction id and are
 * dropped otherwise; a reply is never larger than the request by more than a bounded peer list, and
 * only to addresses that proved they receive packets (the connection id).
 */
public final class UdpTracker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(UdpTracker.class);

    private final DatagramChannel channel;
    private final SwarmRegistry registry;
    private final TrackerCounters counters;
    private final LongSupplier clockMillis;
    private final ConnectionIds ids;
    private final Thread thread;

    private UdpTracker(DatagramChannel channel, SwarmRegistry registry, TrackerCounters counters, LongSupplier clockMillis,
                       ConnectionIds ids) {
        this.channel = channel;
        this.registry = registry;
        this.counters = counters;
        this.clockMillis = clockMillis;
        this.ids = ids;
        this.thread = Thread.ofPlatform().name("udp-tracker").daemon().unstarted(this::loop);
    }

    public static UdpTracker start(InetSocketAddress bind, SwarmRegistry registry, TrackerCounters counters,
                                   LongSupplier clockMillis) throws IOException {
        DatagramChannel ch = DatagramChannel.open();
        try {
            ch.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20); // absorb bursts of announces
            ch.bind(bind);
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        UdpTracker t = new UdpTracker(ch, registry, counters, clockMillis, new ConnectionIds(new SecureRandom()));
        t.thread.start();
        return t;
    }

    public int port() {
        try {
            return ((InetSocketAddress) channel.getLocalAddress()).getPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void loop() {
        // one byte more than the largest request, so an oversized datagram shows as a full buffer
        ByteBuffer in = ByteBuffer.allocateDirect(UdpCodec.MAX_PACKET + 1);
        while (channel.isOpen()) {
            try {
                in.clear();
                InetSocketAddress from = (InetSocketAddress) channel.receive(in);
                if (from == null) continue;
                in.flip();
                ByteBuffer reply = handle(in, from);
                if (reply != null) channel.send(reply, from);
            } catch (ClosedChannelException closed) {
                return;
            } catch (IOException e) {
                // ICMP-unreachable from an earlier reply and the like: one client's problem, not ours
                log.debug("udp tracker i/o: {}", e.toString());
            } catch (RuntimeException e) {
                log.warn("udp tracker request failed", e);
            }
        }
    }

    /** Answers one datagram; null = drop it. Public so tests and the benchmark can drive it without sockets. */
    public ByteBuffer handle(ByteBuffer packet, InetSocketAddress from) {
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
        long now = clockMillis.getAsLong();
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

    @Override
    public void close() throws InterruptedException {
        try {
            channel.close();
        } catch (IOException e) {
            log.debug("closing udp tracker: {}", e.toString());
        }
        thread.join(5_000);
    }
}
