package io.btspeed.engine.lsd;

import io.btspeed.protocol.ProtocolException;
import io.btspeed.protocol.metainfo.InfoHash;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ProtocolFamily;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Local Service Discovery (BEP 14): announces our torrents to the LAN's multicast group and
 * reports peers that announce the same torrents. One socket per address family, bound to the
 * group's port with SO_REUSEADDR so several clients on one host can share it, joined to the group
 * on each chosen interface, with multicast loop on (so clients on the same host find each other;
 * our own announces come back and are recognised by our cookie). The TTL stays at 1: LAN only.
 *
 * <p>Threads: one virtual thread per socket receives, one sends on the schedule.
 */
public final class LocalServiceDiscovery implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocalServiceDiscovery.class);

    public static final InetSocketAddress GROUP_V4 = new InetSocketAddress(InetAddress.ofLiteral("239.192.152.143"), 6771);
    public static final InetSocketAddress GROUP_V6 = new InetSocketAddress(InetAddress.ofLiteral("ff15::efc0:988f"), 6771);

    /**
     * @param group4     IPv4 group and port (null = no IPv4)
     * @param group6     IPv6 group and port (null = no IPv6)
     * @param interfaces where to join and send; empty = every interface that is up, not loopback and multicast-capable
     *                   (loopback when nothing else is)
     * @param interval   re-announce period (BEP 14: five minutes)
     * @param minGap     least time between two announces of one torrent
     */
    public record Config(InetSocketAddress group4, InetSocketAddress group6, List<NetworkInterface> interfaces,
                         Duration interval, Duration minGap) {
        public Config {
            if (group4 == null && group6 == null) throw new IllegalArgumentException("need an IPv4 or an IPv6 group");
            interfaces = List.copyOf(interfaces);
        }

        public static Config defaults() {
            return new Config(GROUP_V4, GROUP_V6, List.of(), Duration.ofMinutes(5), Duration.ofMinutes(1));
        }

        public Config withGroups(InetSocketAddress v4, InetSocketAddress v6) {
            return new Config(v4, v6, interfaces, interval, minGap);
        }

        public Config withInterfaces(List<NetworkInterface> nifs) {
            return new Config(group4, group6, nifs, interval, minGap);
        }

        public Config withTiming(Duration newInterval, Duration newMinGap) {
            return new Config(group4, group6, interfaces, newInterval, newMinGap);
        }
    }

    /** Receives peers found for torrents we announce; called on a discovery thread, must not block long. */
    @FunctionalInterface
    public interface PeerSink {
        void onPeer(InfoHash infoHash, InetSocketAddress peer);
    }

    private record Endpoint(DatagramChannel channel, InetSocketAddress group, List<NetworkInterface> interfaces) {
        String host() {
            InetAddress a = group.getAddress();
            return (a instanceof Inet6Address ? "[" + a.getHostAddress().replaceAll("%.*$", "") + "]" : a.getHostAddress())
                    + ":" + group.getPort();
        }
    }

    private final List<Endpoint> endpoints;
    private final PeerSink sink;
    private final int listenPort;
    private final String cookie;
    private final Set<InfoHash> announced = ConcurrentHashMap.newKeySet();
    private final LsdSchedule schedule;
    private final LsdInbound inbound = new LsdInbound(60_000, 50, 4096);
    private final long origin = System.nanoTime();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean closed;

    private LocalServiceDiscovery(List<Endpoint> endpoints, PeerSink sink, int listenPort, Config config) {
        this.endpoints = endpoints;
        this.sink = sink;
        this.listenPort = listenPort;
        byte[] c = new byte[8];
        new SecureRandom().nextBytes(c);
        this.cookie = HexFormat.of().formatHex(c);
        this.schedule = new LsdSchedule(config.interval().toMillis(), Math.min(config.minGap().toMillis(), config.interval().toMillis()));
    }

    /**
     * Opens the sockets and joins the group(s).
     *
     * @param listenPort the TCP port peers should dial (our session's listen port)
     * @throws IOException when no family could be set up (no multicast-capable interface, no permission)
     */
    public static LocalServiceDiscovery start(Config config, int listenPort, PeerSink sink) throws IOException {
        if (listenPort < 1 || listenPort > 65535) throw new IllegalArgumentException("listen port must be 1..65535");
        List<Endpoint> endpoints = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        if (config.group4() != null) open(StandardProtocolFamily.INET, config.group4(), config.interfaces(), endpoints, failures);
        if (config.group6() != null) open(StandardProtocolFamily.INET6, config.group6(), config.interfaces(), endpoints, failures);
        if (endpoints.isEmpty()) throw new IOException("local service discovery unavailable: " + String.join("; ", failures));
        LocalServiceDiscovery lsd = new LocalServiceDiscovery(endpoints, sink, listenPort, config);
        for (Endpoint e : endpoints) {
            lsd.threads.add(Thread.ofVirtual().name("lsd-receive-" + e.host()).start(() -> lsd.receive(e)));
        }
        lsd.threads.add(Thread.ofVirtual().name("lsd-announce").start(lsd::announceLoop));
        return lsd;
    }

    private static void open(ProtocolFamily family, InetSocketAddress group, List<NetworkInterface> wanted, List<Endpoint> out,
                             List<String> failures) {
        Class<? extends InetAddress> type = family == StandardProtocolFamily.INET ? Inet4Address.class : Inet6Address.class;
        DatagramChannel ch = null;
        try {
            List<NetworkInterface> nifs = wanted.isEmpty() ? defaultInterfaces(type) : wanted;
            if (nifs.isEmpty()) throw new IOException("no up, multicast-capable interface with an " + type.getSimpleName());
            ch = DatagramChannel.open(family);
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            ch.bind(new InetSocketAddress(group.getPort()));
            ch.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, true);
            ch.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 1);
            List<NetworkInterface> joined = new ArrayList<>();
            List<String> joinErrors = new ArrayList<>();
            for (NetworkInterface nif : nifs) {
                try {
                    ch.join(group.getAddress(), nif);
                    joined.add(nif);
                } catch (IOException | IllegalArgumentException e) {
                    joinErrors.add(nif.getName() + ": " + e.getMessage());
                }
            }
            if (joined.isEmpty()) throw new IOException("could not join " + group.getAddress().getHostAddress() + " on " + joinErrors);
            out.add(new Endpoint(ch, group, Collections.unmodifiableList(joined)));
        } catch (IOException | UnsupportedOperationException e) {
            failures.add(group.getAddress().getHostAddress() + ": " + e.getMessage());
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // nothing was set up on it
                }
            }
        }
    }

    /**
     * Every up, multicast-capable interface with an address of the family, loopback excluded —
     * unless loopback is all there is (a machine or namespace without a network), where peers on
     * the same host can still find each other.
     */
    private static List<NetworkInterface> defaultInterfaces(Class<? extends InetAddress> type) throws SocketException {
        List<NetworkInterface> out = new ArrayList<>();
        List<NetworkInterface> loopback = new ArrayList<>();
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nif.isUp() || !nif.supportsMulticast() || nif.inetAddresses().noneMatch(type::isInstance)) continue;
            (nif.isLoopback() ? loopback : out).add(nif);
        }
        return out.isEmpty() ? loopback : out;
    }

    /** Starts announcing a torrent (at once, then every interval) and reporting its local peers. */
    public void add(InfoHash infoHash) {
        announced.add(infoHash);
        synchronized (schedule) {
            schedule.add(infoHash, now());
            schedule.notifyAll();
        }
    }

    public void remove(InfoHash infoHash) {
        announced.remove(infoHash);
        synchronized (schedule) {
            schedule.remove(infoHash);
        }
    }

    /** The names of the interfaces joined, per group, e.g. "239.192.152.143:6771 on eth0". */
    public List<String> describe() {
        List<String> out = new ArrayList<>();
        for (Endpoint e : endpoints) {
            out.add(e.host() + " on " + String.join(",", e.interfaces().stream().map(NetworkInterface::getName).toList()));
        }
        return out;
    }

    private long now() {
        return (System.nanoTime() - origin) / 1_000_000;
    }

    private void announceLoop() {
        while (!closed) {
            List<InfoHash> due;
            synchronized (schedule) {
                due = schedule.due(now(), LsdMessage.MAX_HASHES);
                if (due.isEmpty()) {
                    long wait = schedule.nextDue() == Long.MAX_VALUE ? 60_000 : Math.max(1, schedule.nextDue() - now());
                    try {
                        schedule.wait(Math.min(wait, 60_000));
                    } catch (InterruptedException e) {
                        return;
                    }
                    continue;
                }
            }
            LsdMessage m = new LsdMessage(listenPort, due, cookie);
            for (Endpoint e : endpoints) send(e, m);
        }
    }

    private void send(Endpoint e, LsdMessage m) {
        ByteBuffer data = ByteBuffer.wrap(m.encode(e.host()));
        for (NetworkInterface nif : e.interfaces()) {
            try {
                e.channel().setOption(StandardSocketOptions.IP_MULTICAST_IF, nif);
                e.channel().send(data.rewind(), e.group());
            } catch (ClosedChannelException closedNow) {
                return;
            } catch (IOException ex) {
                log.debug("lsd announce on {} failed: {}", nif.getName(), ex.toString());
            }
        }
    }

    private void receive(Endpoint e) {
        ByteBuffer buf = ByteBuffer.allocate(LsdMessage.MAX_DATAGRAM + 1);
        byte[] bytes = buf.array();
        while (!closed) {
            InetSocketAddress from;
            try {
                buf.clear();
                from = (InetSocketAddress) e.channel().receive(buf);
            } catch (ClosedChannelException c) {
                return;
            } catch (IOException ex) {
                log.debug("lsd receive: {}", ex.toString());
                continue;
            }
            if (from == null) continue;
            handle(bytes, buf.position(), from.getAddress());
        }
    }

    private void handle(byte[] data, int length, InetAddress source) {
        LsdMessage m;
        synchronized (inbound) {
            if (!inbound.admitDatagram(now())) return;
        }
        try {
            m = LsdMessage.decode(data, length);
        } catch (ProtocolException bad) {
            log.debug("dropping lsd datagram from {}: {}", source.getHostAddress(), bad.getMessage());
            return;
        }
        if (cookie.equals(m.cookie())) return; // our own announce, looped back
        for (InfoHash h : m.infoHashes()) {
            if (!announced.contains(h)) continue;
            InetSocketAddress peer = new InetSocketAddress(source, m.port());
            boolean report;
            synchronized (inbound) {
                report = inbound.admitPeer(h, peer, now());
            }
            if (report) sink.onPeer(h, peer);
        }
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        synchronized (schedule) {
            schedule.notifyAll();
        }
        for (Endpoint e : endpoints) {
            try {
                e.channel().close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        for (Thread t : threads) t.join(2_000);
    }
}
