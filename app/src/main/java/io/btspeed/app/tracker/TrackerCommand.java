package io.btspeed.app.tracker;

import io.btspeed.app.UserException;
import io.btspeed.protocol.ProtocolException;
import io.btspeed.tracker.AllowList;
import io.btspeed.tracker.RegistryStats;
import io.btspeed.tracker.TrackerConfig;
import io.btspeed.tracker.TrackerCounters;
import io.btspeed.tracker.TrackerServer;
import java.io.IOException;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "tracker", description = {
        "Run a BitTorrent tracker: HTTP announce/scrape (BEP 3, 23, 48) and UDP (BEP 15).",
        "Prints its announce URLs, then one stats line per --stats-interval; runs until Ctrl-C."})
public final class TrackerCommand implements Callable<Integer> {
    @Option(names = "--http-port", paramLabel = "N", description = "HTTP port (default: ${DEFAULT-VALUE}; 0 = any free port; -1 = no HTTP)")
    int httpPort = 6969;

    @Option(names = "--udp-port", paramLabel = "N", description = "UDP port (default: ${DEFAULT-VALUE}; 0 = any free port; -1 = no UDP)")
    int udpPort = 6969;

    @Option(names = "--bind", paramLabel = "IP", description = "address to listen on (default: all interfaces)")
    String bind;

    @Option(names = "--allow-list", paramLabel = "FILE",
            description = "only track these info-hashes (one 40-digit hex hash per line, '#' comments): a private tracker")
    Path allowList;

    @Option(names = "--interval", paramLabel = "SECONDS", description = "re-announce interval given to clients (default: ${DEFAULT-VALUE})")
    int interval = 1800;

    @Option(names = "--min-interval", paramLabel = "SECONDS",
            description = "least time between announces (default: a sixth of --interval, at most 300)")
    Integer minInterval;

    @Option(names = "--max-peers", paramLabel = "N", description = "most peers stored per torrent (default: ${DEFAULT-VALUE})")
    int maxPeers = 10_000;

    @Option(names = "--max-torrents", paramLabel = "N", description = "most torrents tracked at once (default: ${DEFAULT-VALUE})")
    int maxTorrents = 100_000;

    @Option(names = "--numwant", paramLabel = "N", description = "most peers in one reply (default: ${DEFAULT-VALUE})")
    int maxNumWant = 200;

    @Option(names = "--trust-client-ip", description = "honour the client's ip parameter (only behind a trusted proxy or on a LAN)")
    boolean trustClientIp;

    @Option(names = "--stats-interval", paramLabel = "SECONDS", description = "seconds between stats lines; 0 = none (default: ${DEFAULT-VALUE})")
    int statsInterval = 60;

    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);

    @Override
    public Integer call() throws Exception {
        TrackerConfig config = config();
        InetAddress address = bindAddress();
        // the JDK HTTP server accepts unlimited connections unless told: bound them (read when the server class loads)
        if (System.getProperty("sun.net.httpserver.maxConnections") == null) {
            System.setProperty("sun.net.httpserver.maxConnections", "10000");
        }
        // keep-alive clients beyond the default 200 idle connections would be cut off after every reply
        if (System.getProperty("sun.net.httpserver.maxIdleConnections") == null) {
            System.setProperty("sun.net.httpserver.maxIdleConnections", "1000");
        }
        TrackerServer server;
        try {
            server = TrackerServer.start(config, address, port(httpPort, "--http-port"), port(udpPort, "--udp-port"));
        } catch (BindException e) {
            throw new UserException("cannot listen (port in use?): " + e.getMessage() + "; pick others with --http-port/--udp-port");
        } catch (IOException e) {
            throw new UserException("cannot listen: " + e.getMessage());
        }
        Thread hook = new Thread(() -> {
            stopRequested.countDown();
            try {
                stopped.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "btspeed-tracker-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            String host = urlHost(address);
            if (server.httpPort() != TrackerServer.DISABLED) System.out.println("http://" + host + ":" + server.httpPort() + "/announce");
            if (server.udpPort() != TrackerServer.DISABLED) System.out.println("udp://" + host + ":" + server.udpPort() + "/announce");
            System.out.println("tracking " + (config.allowList() == null ? "any info-hash"
                    : config.allowList().size() + " allowed info-hashes") + "; interval " + interval + " s; press Ctrl-C to stop");
            System.out.flush();
            long last = server.counters().announces();
            long lastAt = System.nanoTime();
            while (!stopRequested.await(statsInterval > 0 ? statsInterval : 3600, TimeUnit.SECONDS)) {
                if (statsInterval <= 0) continue;
                long now = System.nanoTime();
                long total = server.counters().announces();
                System.out.println(statsLine(server.registry().stats(), server.counters(), (total - last) * 1e9 / (now - lastAt)));
                System.out.flush();
                last = total;
                lastAt = now;
            }
            System.out.println("stopping tracker");
            return 0;
        } finally {
            server.close();
            stopped.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook is running and waits for "stopped", which we just signalled
            }
        }
    }

    /** Ends {@link #call()} as Ctrl-C would; for tests that run the command in-process. */
    void stop() {
        stopRequested.countDown();
    }

    static String statsLine(RegistryStats s, TrackerCounters c, double announcesPerSec) {
        return String.format(Locale.ROOT,
                "stats: torrents=%d peers=%d seeders=%d leechers=%d completed=%d announces=%d (%.1f/s) scrapes=%d udp-connects=%d rejected=%d",
                s.torrents(), s.peers(), s.seeders(), s.leechers(), s.completed(), c.announces(), announcesPerSec,
                c.httpScrapes.sum() + c.udpScrapes.sum(), c.udpConnects.sum(), c.rejected.sum());
    }

    private TrackerConfig config() {
        if (interval < 1 || interval > 86_400) throw new UserException("--interval must be 1..86400 seconds");
        int min = minInterval != null ? minInterval : Math.min(300, Math.max(1, interval / 6));
        if (min < 0 || min > interval) throw new UserException("--min-interval must be 0..--interval");
        if (maxPeers < 1 || maxTorrents < 1 || maxNumWant < 1) throw new UserException("--max-peers, --max-torrents and --numwant must be positive");
        TrackerConfig c = TrackerConfig.defaults().withInterval(Duration.ofSeconds(interval)).withMinInterval(Duration.ofSeconds(min))
                .withLimits(maxTorrents, maxPeers, Math.min(50, maxNumWant), maxNumWant).withTrustClientIp(trustClientIp);
        if (allowList != null) {
            try {
                c = c.withAllowList(AllowList.read(allowList));
            } catch (NoSuchFileException e) {
                throw new UserException("allow-list file not found: " + allowList);
            } catch (IOException e) {
                throw new UserException("cannot read allow-list " + allowList + ": " + e.getMessage());
            } catch (ProtocolException e) {
                throw new UserException("bad allow-list " + allowList + ": " + e.getMessage());
            }
        }
        return c;
    }

    private static int port(int p, String option) {
        if (p == -1) return TrackerServer.DISABLED;
        if (p < 0 || p > 65535) throw new UserException(option + " must be 0..65535, or -1 for off");
        return p;
    }

    private InetAddress bindAddress() {
        if (httpPort == -1 && udpPort == -1) throw new UserException("both --http-port and --udp-port are off: nothing to serve");
        if (bind == null) return null;
        try {
            return InetAddress.ofLiteral(bind);
        } catch (IllegalArgumentException e) {
            throw new UserException("--bind needs an IP address, got '" + bind + "'");
        }
    }

    private static String urlHost(InetAddress a) {
        if (a == null || a.isAnyLocalAddress()) return "127.0.0.1"; // reachable locally; others use this machine's address
        return a instanceof Inet6Address ? "[" + a.getHostAddress() + "]" : a.getHostAddress();
    }
}
