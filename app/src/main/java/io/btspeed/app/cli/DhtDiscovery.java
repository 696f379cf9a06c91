package io.btspeed.app.cli;

import io.btspeed.dht.DhtConfig;
import io.btspeed.dht.DhtNode;
import io.btspeed.engine.Session;
import io.btspeed.engine.TorrentHandle;
import io.btspeed.engine.TorrentState;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The DHT for the torrent of a download or seed: joins the network, announces our port, and hands
 * every peer it finds to the torrent as if given with --peer, asking again while peers are short.
 * Like local discovery it is a convenience: if it cannot start, the run goes on without it.
 */
final class DhtDiscovery implements AutoCloseable {
    /** Public routers most clients join through; only used when the user names none. */
    static final List<InetSocketAddress> DEFAULT_ROUTERS = List.of(
            InetSocketAddress.createUnresolved("router.bittorrent.com", 6881),
            InetSocketAddress.createUnresolved("dht.transmissionbt.com", 6881),
            InetSocketAddress.createUnresolved("router.utorrent.com", 6881),
            InetSocketAddress.createUnresolved("dht.libtorrent.org", 25401));
    /** Ask again this often while the torrent wants more peers (BEP 5 leaves it open; clients use 1–15 min). */
    private static final long SEARCH_WHILE_SHORT_MS = 20_000;
    private static final long SEARCH_OTHERWISE_MS = 5 * 60_000;
    /** Stored announces expire after ~30 min: renew well before. */
    private static final long ANNOUNCE_EVERY_MS = 15 * 60_000;

    private final DhtNode node;
    private final TorrentHandle handle;
    private final int listenPort;
    private final int wantedPeers;
    private final Progress progress;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final Thread loop;

    private DhtDiscovery(DhtNode node, TorrentHandle handle, int listenPort, int wantedPeers, List<InetSocketAddress> bootstrap,
                         Progress progress) {
        this.node = node;
        this.handle = handle;
        this.listenPort = listenPort;
        this.wantedPeers = wantedPeers;
        this.progress = progress;
        this.loop = Thread.ofVirtual().name("dht-discovery").start(() -> run(bootstrap));
    }

    /** Null when the DHT is off, must not be used, or could not start (the reason is printed). */
    static DhtDiscovery start(Session session, TorrentHandle handle, NetworkOptions net, InetAddress bind, int listenPort, Path stateDir,
                              Progress progress) {
        if (!net.dht) return null;
        if (isPrivate(handle)) {
            progress.message("DHT off: private torrent (BEP 27: peers only from its trackers)");
            return null;
        }
        List<InetSocketAddress> bootstrap = new ArrayList<>(net.dhtBootstrap);
        // a loopback-bound socket cannot reach public routers: asking DNS for them would be pointless
        if (bootstrap.isEmpty() && (bind == null || !bind.isLoopbackAddress())) bootstrap.addAll(DEFAULT_ROUTERS);
        int port = net.dhtPort != null ? net.dhtPort : listenPort;
        DhtConfig config = DhtConfig.defaults()
                .withBindAddresses(bind == null ? List.of() : List.of(bind))
                .withPort(port)
                .withStateFile(stateDir.resolve("dht.state"));
        DhtNode node;
        try {
            node = DhtNode.start(config);
        } catch (BindException e) {
            if (net.dhtPort != null) {
                progress.message("DHT off: UDP port " + port + " is in use (pick another with --dht-port N)");
                return null;
            }
            try {
                node = DhtNode.start(config.withPort(0)); // the TCP port's twin is taken: any UDP port will do
            } catch (IOException again) {
                progress.message("DHT off: " + again.getMessage());
                return null;
            }
        } catch (IOException e) {
            progress.message("DHT off: " + e.getMessage());
            return null;
        }
        progress.message("DHT on UDP port " + node.port() + (bootstrap.isEmpty() ? " (no bootstrap nodes)" : ""));
        // BEP 5 on the peer wire: advertise our node to peers, and ping the nodes peers advertise
        DhtNode joined = node;
        session.attachDht(node.port(), joined::ping);
        return new DhtDiscovery(node, handle, listenPort, Math.max(1, net.maxPeers / 2), bootstrap, progress);
    }

    private static boolean isPrivate(TorrentHandle handle) {
        return handle.metainfo() != null && handle.metainfo().isPrivate();
    }

    private void run(List<InetSocketAddress> bootstrap) {
        try {
            List<InetSocketAddress> resolved = resolve(bootstrap);
            if (!resolved.isEmpty()) await(node.bootstrap(resolved));
            Set<InetSocketAddress> handed = new HashSet<>();
            long lastAnnounce = Long.MIN_VALUE;
            boolean reported = false;
            while (true) {
                if (isPrivate(handle)) {
                    progress.message("DHT off: the torrent turned out private");
                    return;
                }
                long now = System.nanoTime() / 1_000_000;
                if (lastAnnounce == Long.MIN_VALUE || now - lastAnnounce >= ANNOUNCE_EVERY_MS) {
                    lastAnnounce = now;
                    node.announce(handle.infoHash(), listenPort);
                }
                List<InetSocketAddress> peers = await(node.getPeers(handle.infoHash()));
                if (peers == null) peers = List.of();
                int fresh = 0;
                for (InetSocketAddress p : peers) {
                    if (handed.add(p)) fresh++;
                    handle.addPeer(p); // the torrent ignores peers it already has; a re-add retries a dropped one
                }
                if (fresh > 0 && !reported) {
                    progress.message("DHT: found " + fresh + " peer" + (fresh == 1 ? "" : "s"));
                    reported = true;
                }
                if (stop.await(short_() ? SEARCH_WHILE_SHORT_MS : SEARCH_OTHERWISE_MS, TimeUnit.MILLISECONDS)) return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            if (stop.getCount() > 0) progress.message("DHT stopped: " + e);
        }
    }

    /** The value, or null when the DHT did not answer in time: the next round tries again. */
    private static <T> T await(java.util.concurrent.CompletableFuture<T> f) throws InterruptedException {
        try {
            return f.get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return null;
        }
    }

    /** Whether the torrent still needs peers: fetching, downloading with few, or no metadata yet. */
    private boolean short_() {
        var st = handle.status();
        return st.state() == TorrentState.FETCHING_METADATA
                || (st.state() == TorrentState.DOWNLOADING && st.peers() < wantedPeers);
    }

    /** Names resolve here, on the DHT's own thread; one that does not resolve is skipped. */
    private static List<InetSocketAddress> resolve(List<InetSocketAddress> nodes) {
        List<InetSocketAddress> out = new ArrayList<>();
        for (InetSocketAddress a : nodes) {
            InetSocketAddress r = a.isUnresolved() ? new InetSocketAddress(a.getHostString(), a.getPort()) : a;
            if (!r.isUnresolved()) out.add(r);
        }
        return out;
    }

    @Override
    public void close() throws InterruptedException {
        stop.countDown();
        loop.interrupt();
        loop.join(5_000);
        node.close(); // saves the node id and good nodes for next time
    }
}
