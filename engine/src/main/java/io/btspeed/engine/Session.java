package io.btspeed.engine;

import io.btspeed.engine.net.HandshakeIo;
import io.btspeed.engine.net.Listener;
import io.btspeed.engine.net.Throttle;
import io.btspeed.engine.torrent.ResumeStore;
import io.btspeed.engine.torrent.Timeouts;
import io.btspeed.engine.torrent.Torrent;
import io.btspeed.engine.torrent.TorrentContext;
import io.btspeed.protocol.ProtocolException;
import io.btspeed.protocol.metainfo.InfoHash;
import io.btspeed.protocol.wire.Handshake;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A running BitTorrent client: one listening socket, any number of torrents, session-wide rate
 * limits, a hashing pool and a once-a-second ticker. Each peer connection runs on its own virtual
 * threads; the hash pool uses platform threads because hashing is pure CPU work.
 */
public final class Session implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Session.class);
    private static final int HANDSHAKE_TIMEOUT_SECONDS = 10;
    private static final int CONNECT_TIMEOUT_MILLIS = 5000;

    private final SessionConfig config;
    private final byte[] peerId;
    private final Listener listener;
    private final Throttle upload;
    private final Throttle download;
    private final ExecutorService hashPool;
    private final ExecutorService diskWriter;
    private final ScheduledExecutorService timer;
    private final Map<InfoHash, Torrent> torrents = new ConcurrentHashMap<>();
    private final List<TorrentHandle> order = new ArrayList<>();
    private final TorrentContext context;
    private final io.btspeed.engine.torrent.DhtLink dht = new io.btspeed.engine.torrent.DhtLink();
    private final ResumeStore resume;
    private final TrackerBridge trackers;
    private volatile boolean closed;

    private Session(SessionConfig config, Timeouts timeouts) throws IOException {
        this.config = config;
        this.peerId = config.peerId() != null ? config.peerId() : generatePeerId();
        this.upload = new Throttle(config.uploadLimitBytesPerSec());
        this.download = new Throttle(config.downloadLimitBytesPerSec());
        AtomicInteger n = new AtomicInteger();
        this.hashPool = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()), r -> {
            Thread t = new Thread(r, "bt-hash-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.diskWriter = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "bt-disk");
            t.setDaemon(true);
            return t;
        });
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bt-timer");
            t.setDaemon(true);
            return t;
        });
        this.resume = config.stateDir() == null ? null : new ResumeStore(config.stateDir());
        try {
            this.listener = Listener.open(config.bindAddress(), config.listenPort(), this::incoming);
        } catch (IOException e) {
            hashPool.shutdownNow();
            diskWriter.shutdownNow();
            timer.shutdownNow();
            throw e;
        }
        this.context = new TorrentContext(config, peerId, listener::port, upload, download, hashPool, diskWriter, this::dial, timeouts, dht);
        this.trackers = new TrackerBridge(peerId, listener::port, config.bindAddress());
        timer.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
    }

    /** Binds the listening socket and starts the timers; a port in use fails with a message naming it. */
    public static Session start(SessionConfig config) throws IOException {
        return new Session(config, Timeouts.DEFAULT);
    }

    /** As {@link #start(SessionConfig)} with non-default peer timeouts. */
    public static Session start(SessionConfig config, Timeouts timeouts) throws IOException {
        return new Session(config, timeouts);
    }

    private static byte[] generatePeerId() {
        byte[] id = new byte[20];
        byte[] prefix = "-BS0100-".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(prefix, 0, id, 0, prefix.length);
        String alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
        SecureRandom r = new SecureRandom();
        for (int i = prefix.length; i < 20; i++) id[i] = (byte) alphabet.charAt(r.nextInt(alphabet.length()));
        return id;
    }

    public int listenPort() {
        return listener.port();
    }

    public byte[] peerId() {
        return peerId.clone();
    }

    /** Adds a torrent; it first checks existing data (or fetches metadata), then connects to peers. */
    public TorrentHandle add(AddTorrentParams p) throws IOException {
        if (closed) throw new IOException("session is closed");
        InfoHash ih = p.metainfo() != null ? p.metainfo().infoHash() : p.magnet().infoHash();
        Torrent t = new Torrent(context, p, resume);
        if (torrents.putIfAbsent(ih, t) != null) throw new IOException("torrent " + ih.hex() + " is already in this session");
        synchronized (order) {
            order.add(t);
        }
        if (p.magnet() != null) for (String peer : p.magnet().peers()) {
            InetSocketAddress a = parseHostPort(peer);
            if (a != null) t.learn(a);
        }
        t.start();
        if (p.useTrackers()) trackers.start(t, p);
        return t;
    }

    private static InetSocketAddress parseHostPort(String s) {
        int colon = s.lastIndexOf(':');
        if (colon <= 0) return null;
        try {
            String host = s.substring(0, colon).replace("[", "").replace("]", "");
            return new InetSocketAddress(host, Integer.parseInt(s.substring(colon + 1)));
        } catch (RuntimeException e) {
            return null;
        }
    }

    public List<TorrentHandle> torrents() {
        synchronized (order) {
            return List.copyOf(order);
        }
    }

    /** Session-wide limits in bytes per second (0 = unlimited), effective immediately. */
    public void setRateLimits(long uploadBytesPerSec, long downloadBytesPerSec) {
        upload.setRate(uploadBytesPerSec);
        download.setRate(downloadBytesPerSec);
    }

    private void tick() {
        long now = System.nanoTime();
        for (Torrent t : torrents.values()) {
            try {
                t.tick(now);
            } catch (RuntimeException | AssertionError e) {
                // never let it escape: the timer would cancel the task, and every torrent would stop
                // ticking (no choke rounds, keep-alives or PEX) without a word
                log.warn("{}: tick failed", t.infoHash(), e);
            }
        }
    }

    // ------------------------------------------------------------ connections

    private ScheduledFuture<?> closeUnlessDone(SocketChannel ch) {
        return timer.schedule(() -> {
            try {
                ch.close();
            } catch (IOException ignored) {
                // already gone
            }
        }, HANDSHAKE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    private void incoming(SocketChannel ch) {
        ScheduledFuture<?> guard = closeUnlessDone(ch);
        boolean kept = false;
        try {
            HandshakeIo.tune(ch);
            Handshake theirs = HandshakeIo.read(ch);
            Torrent t = torrents.get(theirs.infoHash());
            if (t == null || closed || Arrays.equals(theirs.peerId(), peerId) || !t.acceptsPeers()) return;
            HandshakeIo.write(ch, ours(theirs.infoHash()));
            guard.cancel(false);
            kept = t.attach(ch, theirs, false, null);
        } catch (IOException | ProtocolException e) {
            log.debug("incoming handshake failed: {}", e.getMessage());
        } finally {
            guard.cancel(false);
            if (!kept) closeQuietly(ch);
        }
    }

    /**
     * Tells the peer wire about a DHT node (BEP 5) on {@code udpPort}: from now on handshakes set
     * the DHT bit, peers that set it too get a PORT message, and the DHT addresses peers send us
     * go to {@code onPeerNode} (called on connection threads: hand off, don't block).
     */
    public void attachDht(int udpPort, java.util.function.Consumer<InetSocketAddress> onPeerNode) {
        dht.attach(udpPort, onPeerNode);
    }

    private Handshake ours(InfoHash ih) {
        return new Handshake(Handshake.reserved(true, true, dht.port() > 0), ih, peerId);
    }

    private void dial(Torrent t, InetSocketAddress address) {
        Thread.ofVirtual().name("bt-dial-" + address).start(() -> {
            SocketChannel ch = null;
            boolean kept = false;
            try {
                ch = HandshakeIo.connect(address, config.bindAddress(), CONNECT_TIMEOUT_MILLIS);
                ScheduledFuture<?> guard = closeUnlessDone(ch);
                try {
                    HandshakeIo.write(ch, ours(t.infoHash()));
                    Handshake theirs = HandshakeIo.read(ch);
                    if (!theirs.infoHash().equals(t.infoHash())) {
                        log.debug("{} answered with another info-hash", address);
                        return;
                    }
                    guard.cancel(false);
                    kept = t.attach(ch, theirs, true, address);
                } finally {
                    guard.cancel(false);
                }
            } catch (IOException | ProtocolException e) {
                log.debug("dial {} failed: {}", address, e.getMessage());
            } finally {
                if (!kept && ch != null) closeQuietly(ch);
                t.dialFinished(address);
            }
        });
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing to do about a socket that fails to close
        }
    }

    /** Stops cleanly: trackers get "stopped", every torrent saves a clean resume state. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            listener.close();
        } catch (IOException e) {
            log.debug("closing listener: {}", e.getMessage());
        }
        trackers.stopAll();
        for (Torrent t : torrents.values()) t.close();
        timer.shutdownNow();
        for (ExecutorService pool : List.of(hashPool, diskWriter)) {
            pool.shutdown();
            try {
                if (!pool.awaitTermination(5, TimeUnit.SECONDS)) pool.shutdownNow();
            } catch (InterruptedException e) {
                pool.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
    }
}
