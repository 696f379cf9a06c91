package io.btspeed.engine.tracker;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * Announces to a UDP tracker (BEP 15): connect to obtain a connection id, cache it for a minute, then
 * announce with it. A request that gets no answer is sent again after 15·2^n seconds (n = 0, 1, …, up to
 * the configured maximum), but never past the caller's deadline. Replies are checked for action,
 * transaction id and length; datagrams with another transaction id are late answers to an earlier
 * request and are ignored.
 */
public final class UdpTrackerClient implements TrackerClient {
    /**
     * @param baseTimeout            the wait before the first retransmission (15 s in BEP 15)
     * @param maxExponent            the largest n in base·2^n (8 in BEP 15)
     * @param connectionIdLifetime   how long a connection id is reused (BEP 15: one minute for clients)
     */
    public record Config(Duration baseTimeout, int maxExponent, Duration connectionIdLifetime) {
        public static final Config DEFAULT = new Config(Duration.ofSeconds(15), 8, Duration.ofMinutes(1));

        public Config {
            if (baseTimeout.isNegative() || baseTimeout.isZero() || maxExponent < 0 || maxExponent > 20) {
                throw new IllegalArgumentException("bad UDP tracker timing");
            }
        }
    }

    private final String url;
    private final String host;
    private final int port;
    private final byte[] urlData;
    private final Config config;
    private final LongSupplier nanoClock;
    private final RandomGenerator random;
    private final ReentrantLock lock = new ReentrantLock();
    private final byte[] receiveBuffer = new byte[UdpTrackerPackets.MAX_DATAGRAM];

    /** Local address to send from ({@code --bind}); null for the system's choice. */
    private final InetAddress localAddress;
    private DatagramSocket socket;
    private int peerWidth;
    private boolean haveConnectionId;
    private long connectionId;
    private long connectionIdAtNanos;
    private volatile boolean closed;

    /**
     * @param nanoClock monotonic clock for the connection id's age (injected so tests can expire it)
     * @param random    source of transaction ids; they guard against spoofed replies, hence a strong one by default
     */
    public UdpTrackerClient(String url, Config config, LongSupplier nanoClock, RandomGenerator random) {
        this(url, config, nanoClock, random, null);
    }

    /** @param localAddress address to bind the socket to before sending, or null for any */
    public UdpTrackerClient(String url, Config config, LongSupplier nanoClock, RandomGenerator random, InetAddress localAddress) {
        this.localAddress = localAddress;
        this.url = url;
        this.config = config;
        this.nanoClock = nanoClock;
        this.random = random;
        URI u;
        try {
            u = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("invalid UDP tracker URL " + url + ": " + e.getMessage(), e);
        }
        if (!"udp".equalsIgnoreCase(u.getScheme())) throw new IllegalArgumentException("not a UDP tracker URL: " + url);
        if (u.getHost() == null || u.getPort() <= 0) throw new IllegalArgumentException("UDP tracker URL needs host and port: " + url);
        String h = u.getHost();
        this.host = h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
        this.port = u.getPort();
        this.urlData = urlData(u);
    }

    public UdpTrackerClient(String url) {
        this(url, Config.DEFAULT, System::nanoTime, new SecureRandom());
    }

    /** BEP 41: the path and query, which private trackers use for passkeys; a bare "/announce" says nothing. */
    private static byte[] urlData(URI u) {
        String path = u.getRawPath() == null ? "" : u.getRawPath();
        String query = u.getRawQuery();
        String data = query == null ? path : path + "?" + query;
        if (data.isEmpty() || data.equals("/") || data.equals("/announce")) return new byte[0];
        byte[] b = data.getBytes(StandardCharsets.UTF_8);
        if (b.length > 1024) throw new IllegalArgumentException("UDP tracker URL path is too long: " + b.length + " bytes");
        return b;
    }

    @Override
    public String url() {
        return url;
    }

    @Override
    public AnnounceResponse announce(AnnounceRequest request, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lockInterruptibly();
        try {
            if (closed) throw new IOException("tracker client for " + url + " is closed");
            openSocket();
            try {
                return exchange(request, deadline, timeout);
            } catch (IOException e) {
                // The socket may be in any state after an error (an interrupt closes it): start afresh next time.
                dropSocket();
                throw e;
            }
        } finally {
            lock.unlock();
        }
    }

    private AnnounceResponse exchange(AnnounceRequest request, long deadline, Duration timeout)
            throws IOException, InterruptedException {
        int n = 0;
        int attempts = 0;
        int connectTx = random.nextInt();
        int announceTx = random.nextInt();
        while (true) {
            if (Thread.interrupted()) throw new InterruptedException();
            if (System.nanoTime() >= deadline) {
                throw new SocketTimeoutException("UDP tracker " + url + " did not answer within " + timeout + " (" + attempts
                        + " datagrams sent)");
            }
            long attemptEnd = Math.min(deadline, System.nanoTime() + (config.baseTimeout().toNanos() << n));
            if (!connectionIdValid()) {
                send(UdpTrackerPackets.connectRequest(connectTx));
                attempts++;
                UdpReply r = await(connectTx, attemptEnd);
                switch (r) {
                    case null -> {
                        n = Math.min(n + 1, config.maxExponent());
                        continue;
                    }
                    case UdpReply.Connect c -> {
                        connectionId = c.connectionId();
                        connectionIdAtNanos = nanoClock.getAsLong();
                        haveConnectionId = true;
                        // a fresh exchange: the next request starts from the short timeout again
                        attemptEnd = Math.min(deadline, System.nanoTime() + config.baseTimeout().toNanos());
                    }
                    case UdpReply.Error e -> throw new TrackerRejectedException(url, e.message());
                    case UdpReply.Announce a -> throw new TrackerException("UDP tracker " + url + " answered a connect with an announce");
                }
            }
            send(UdpTrackerPackets.announceRequest(connectionId, announceTx, request, urlData));
            attempts++;
            UdpReply r = await(announceTx, attemptEnd);
            switch (r) {
                case null -> n = Math.min(n + 1, config.maxExponent());
                case UdpReply.Announce a -> {
                    return new AnnounceResponse(a.intervalSeconds(), 0, a.peers(), a.seeders(), a.leechers(), null);
                }
                case UdpReply.Error e -> {
                    // Often "connection id expired" after a tracker restart: do not reuse the id.
                    haveConnectionId = false;
                    throw new TrackerRejectedException(url, e.message());
                }
                case UdpReply.Connect c -> throw new TrackerException("UDP tracker " + url + " answered an announce with a connect");
            }
        }
    }

    private boolean connectionIdValid() {
        return haveConnectionId && nanoClock.getAsLong() - connectionIdAtNanos < config.connectionIdLifetime().toNanos();
    }

    private void send(byte[] packet) throws IOException {
        socket.send(new DatagramPacket(packet, packet.length));
    }

    /** The reply with transaction id {@code tx}, or null when none came before {@code until}. */
    private UdpReply await(int tx, long until) throws IOException {
        while (true) {
            long left = until - System.nanoTime();
            if (left <= 0) return null;
            socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, Duration.ofNanos(left).toMillis())));
            DatagramPacket p = new DatagramPacket(receiveBuffer, receiveBuffer.length);
            try {
                socket.receive(p);
            } catch (SocketTimeoutException e) {
                continue; // the millisecond timer may fire a little early: the loop re-checks the deadline
            } catch (PortUnreachableException e) {
                throw new PortUnreachableException("UDP tracker " + url + " is not listening (port unreachable)");
            }
            int len = p.getLength();
            if (len >= 8 && ByteBuffer.wrap(receiveBuffer, 4, 4).getInt() != tx) continue; // a late answer to an older request
            return UdpTrackerPackets.decode(receiveBuffer, len, peerWidth);
        }
    }

    private void openSocket() throws IOException {
        if (socket != null) return;
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new UnknownHostException("UDP tracker host " + host + " of " + url + " cannot be resolved");
        }
        DatagramSocket s = new DatagramSocket(localAddress == null ? null : new InetSocketAddress(localAddress, 0));
        // connected: the kernel drops datagrams from other sources and reports ICMP port unreachable to us
        s.connect(new InetSocketAddress(address, port));
        socket = s;
        peerWidth = address instanceof Inet6Address ? 16 : 4;
    }

    private void dropSocket() {
        if (socket != null) socket.close();
        socket = null;
        // trackers may tie the id to our address and port; a new socket gets a new port
        haveConnectionId = false;
    }

    @Override
    public void close() {
        closed = true;
        if (lock.tryLock()) {
            try {
                dropSocket();
            } finally {
                lock.unlock();
            }
        } else {
            // an announce is running: closing the socket makes its receive fail at once
            DatagramSocket s = socket;
            if (s != null) s.close();
        }
    }
}
