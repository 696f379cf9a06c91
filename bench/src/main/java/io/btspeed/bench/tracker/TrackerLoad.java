package io.btspeed.bench.tracker;

import io.btspeed.tracker.TrackerConfig;
import io.btspeed.tracker.TrackerServer;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.LongAdder;

/**
 * Load generator for the tracker: N concurrent clients (virtual threads), each announcing in a
 * closed loop (next request when the reply arrived) for random torrents out of a fixed set, over
 * UDP (BEP 15: one connect, then announces) and over HTTP (keep-alive GET /announce). Reports
 * announces per second and latency percentiles. Runs the tracker in this JVM unless given --udp /
 * --http targets of a tracker running elsewhere (e.g. the `btspeed tracker` command).
 *
 * <pre>java -cp bench/target/benchmarks.jar io.btspeed.bench.tracker.TrackerLoad --clients 64 --seconds 10</pre>
 */
public final class TrackerLoad {
    private record Result(String name, long announces, long errors, double seconds, long[] latenciesNanos) {}

    public static void main(String[] args) throws Exception {
        int clients = 64, seconds = 10, torrents = 1000;
        String udpTarget = null, httpTarget = null;
        boolean udpOnly = false, httpOnly = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--clients" -> clients = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--torrents" -> torrents = Integer.parseInt(args[++i]);
                case "--udp" -> udpTarget = args[++i];
                case "--http" -> httpTarget = args[++i];
                case "--udp-only" -> udpOnly = true;
                case "--http-only" -> httpOnly = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (use --clients N --seconds S --torrents T [--udp HOST:PORT] [--http URL] [--udp-only|--http-only])");
            }
        }
        TrackerServer server = null;
        if (udpTarget == null && httpTarget == null) {
            // as `btspeed tracker` does: let keep-alive clients stay connected
            System.setProperty("sun.net.httpserver.maxIdleConnections", "1000");
            server = TrackerServer.start(TrackerConfig.defaults(), InetAddress.getLoopbackAddress(), 0, 0);
            udpTarget = "127.0.0.1:" + server.udpPort();
            httpTarget = "http://127.0.0.1:" + server.httpPort() + "/announce";
        }
        System.out.printf(Locale.ROOT, "tracker load: %d clients, %d s per protocol, %d torrents, %s, %d cores%n", clients, seconds,
                torrents, server != null ? "in-process tracker" : "external tracker", Runtime.getRuntime().availableProcessors());
        List<Result> results = new ArrayList<>();
        try {
            if (!httpOnly && udpTarget != null) {
                String[] hp = udpTarget.split(":");
                InetSocketAddress to = new InetSocketAddress(InetAddress.getByName(hp[0]), Integer.parseInt(hp[1]));
                run("UDP", clients, 2, torrents, n -> new UdpClient(to, n)); // warm-up
                results.add(run("UDP", clients, seconds, torrents, n -> new UdpClient(to, n)));
            }
            if (!udpOnly && httpTarget != null) {
                String url = httpTarget;
                run("HTTP", clients, 2, torrents, n -> new HttpAnnouncer(url, n));
                results.add(run("HTTP", clients, seconds, torrents, n -> new HttpAnnouncer(url, n)));
            }
        } finally {
            if (server != null) server.close();
        }
        System.out.println();
        System.out.println("| protocol | clients | announces/s | p50 ms | p99 ms | errors |");
        System.out.println("|---|---|---|---|---|---|");
        for (Result r : results) {
            long[] l = r.latenciesNanos();
            Arrays.sort(l);
            System.out.printf(Locale.ROOT, "| %s | %d | %.0f | %.3f | %.3f | %d |%n", r.name(), clients, r.announces() / r.seconds(),
                    pct(l, 0.50) / 1e6, pct(l, 0.99) / 1e6, r.errors());
        }
    }

    private static long pct(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) (sorted.length * p))];
    }

    private interface Client extends AutoCloseable {
        /** One announce for this info-hash; returns normally on a valid reply. */
        void announce(byte[] infoHash, long left) throws Exception;

        @Override
        default void close() {}
    }

    @FunctionalInterface
    private interface ClientFactory {
        Client create(int n) throws Exception;
    }

    private static Result run(String name, int clients, int seconds, int torrents, ClientFactory factory) throws Exception {
        LongAdder done = new LongAdder(), errors = new LongAdder();
        long[][] samples = new long[clients][];
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        CountDownLatch finished = new CountDownLatch(clients);
        long start = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            int n = c;
            Thread.ofVirtual().start(() -> {
                long[] lat = new long[1 << 16];
                int k = 0;
                SplittableRandom rnd = new SplittableRandom(n);
                try (Client client = factory.create(n)) {
                    byte[] hash = new byte[20];
                    while (System.nanoTime() < deadline) {
                        int t = rnd.nextInt(torrents);
                        ByteBuffer.wrap(hash).putInt(t).putInt(0x5eed);
                        long t0 = System.nanoTime();
                        try {
                            client.announce(hash, rnd.nextInt(4) == 0 ? 0 : 1000);
                            done.increment();
                            lat[k++ & (lat.length - 1)] = System.nanoTime() - t0;
                        } catch (Exception e) {
                            errors.increment();
                        }
                    }
                } catch (Exception e) {
                    errors.increment();
                } finally {
                    samples[n] = Arrays.copyOf(lat, Math.min(k, lat.length));
                    finished.countDown();
                }
            });
        }
        finished.await();
        double secs = (System.nanoTime() - start) / 1e9;
        long[] all = Arrays.stream(samples).flatMapToLong(Arrays::stream).toArray();
        return new Result(name, done.sum(), errors.sum(), secs, all);
    }

    private static final class UdpClient implements Client {
        private final DatagramSocket socket;
        private final InetSocketAddress to;
        private final byte[] peerId = new byte[20];
        private final int port;
        private final byte[] buf = new byte[2048];
        private long connectionId;
        private int tx;

        UdpClient(InetSocketAddress to, int n) throws IOException {
            this.to = to;
            this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            socket.setSoTimeout(1000);
            ByteBuffer.wrap(peerId).putInt(n).putInt(0xb5);
            this.port = 10_000 + n;
            connect();
        }

        private void connect() throws IOException {
            ByteBuffer r = call(ByteBuffer.allocate(16).putLong(0x41727101980L).putInt(0).putInt(++tx).array(), 16);
            connectionId = r.getLong(8);
        }

        private ByteBuffer call(byte[] req, int minReply) throws IOException {
            socket.send(new DatagramPacket(req, req.length, to));
            while (true) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                socket.receive(p);
                ByteBuffer r = ByteBuffer.wrap(buf, 0, p.getLength());
                if (p.getLength() >= 8 && r.getInt(4) == tx) {
                    if (r.getInt(0) == 3) throw new IOException("tracker error");
                    if (p.getLength() < minReply) throw new IOException("short reply");
                    return r;
                }
            }
        }

        @Override
        public void announce(byte[] infoHash, long left) throws Exception {
            ByteBuffer b = ByteBuffer.allocate(98);
            b.putLong(connectionId).putInt(1).putInt(++tx).put(infoHash).put(peerId)
                    .putLong(0).putLong(left).putLong(0).putInt(0).putInt(0).putInt(7).putInt(50).putShort((short) port);
            try {
                call(b.array(), 20);
            } catch (IOException e) {
                // an expired connection id or a lost packet: count this one as failed, connect again
                try {
                    connect();
                } catch (IOException again) {
                    e.addSuppressed(again);
                }
                throw e;
            }
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    /**
     * A minimal HTTP/1.1 keep-alive client on a plain socket: the JDK's HttpClient costs more CPU per
     * request than the tracker does, and on a 2-core machine it would measure itself.
     */
    private static final class HttpAnnouncer implements Client {
        private final String host;
        private final int serverPort;
        private final String path;
        private final String peerId;
        private final int port;
        private java.net.Socket socket;
        private java.io.BufferedInputStream in;
        private java.io.OutputStream out;

        HttpAnnouncer(String url, int n) {
            URI u = URI.create(url);
            this.host = u.getHost();
            this.serverPort = u.getPort();
            this.path = u.getRawPath();
            this.peerId = String.format("-BL0001-%012d", n);
            this.port = 10_000 + n;
        }

        private void open() throws IOException {
            socket = new java.net.Socket(host, serverPort);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(5000);
            in = new java.io.BufferedInputStream(socket.getInputStream(), 8192);
            out = socket.getOutputStream();
        }

        @Override
        public void announce(byte[] infoHash, long left) throws Exception {
            boolean reused = socket != null;
            try {
                once(infoHash, left);
            } catch (IOException e) {
                if (!reused) throw e;
                once(infoHash, left); // the server may close an idle keep-alive connection: retry once on a new one, as HTTP clients do
            }
        }

        private void once(byte[] infoHash, long left) throws IOException {
            if (socket == null) open();
            StringBuilder q = new StringBuilder("GET ").append(path).append("?info_hash=");
            for (byte b : infoHash) q.append('%').append(String.format("%02X", b & 0xff));
            q.append("&peer_id=").append(peerId).append("&port=").append(port).append("&uploaded=0&downloaded=0&left=").append(left)
                    .append("&compact=1&numwant=50 HTTP/1.1\r\nHost: ").append(host).append("\r\n\r\n");
            try {
                out.write(q.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                out.flush();
                int length = -1;
                String status = line();
                if (!status.startsWith("HTTP/1.1 200")) throw new IOException("status " + status);
                for (String h = line(); !h.isEmpty(); h = line()) {
                    if (h.regionMatches(true, 0, "content-length:", 0, 15)) length = Integer.parseInt(h.substring(15).trim());
                }
                if (length < 2) throw new IOException("no body");
                byte[] body = in.readNBytes(length);
                if (body[0] != 'd' || new String(body, java.nio.charset.StandardCharsets.ISO_8859_1).contains("failure reason")) {
                    throw new IOException("bad reply");
                }
            } catch (IOException e) {
                close();
                socket = null;
                throw e;
            }
        }

        private String line() throws IOException {
            StringBuilder b = new StringBuilder();
            int c;
            while ((c = in.read()) != '\n') {
                if (c < 0) throw new IOException("connection closed");
                if (c != '\r') b.append((char) c);
            }
            return b.toString();
        }

        @Override
        public void close() {
            try {
                if (socket != null) socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
