package io.btspeed.tracker.udp;

import static org.assertj.core.api.Assertions.assertThat;

import io.btspeed.tracker.SwarmRegistry;
import io.btspeed.tracker.TrackerConfig;
import io.btspeed.tracker.TrackerCounters;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The UDP tracker over a real socket on 127.0.0.1 with a hand-driven clock. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class UdpTrackerTest {
    final AtomicLong clock = new AtomicLong(1_000_000);
    final TrackerConfig config = TrackerConfig.defaults().withInterval(Duration.ofSeconds(120)).withMinInterval(Duration.ofSeconds(60));
    UdpTracker tracker;
    InetSocketAddress server;

    @BeforeEach
    void start() throws Exception {
        tracker = UdpTracker.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                new SwarmRegistry(config, new Random(3)), new TrackerCounters(), clock::get);
        server = new InetSocketAddress(InetAddress.getLoopbackAddress(), tracker.port());
    }

    @AfterEach
    void stop() throws Exception {
        tracker.close();
    }

    /** A client socket; receive waits at most 2 s (blocking channel with a socket timeout). */
    static final class Client implements AutoCloseable {
        final java.net.DatagramSocket socket;

        Client() throws Exception {
            this(new java.net.DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
        }

        Client(java.net.DatagramSocket socket) throws Exception {
            this.socket = socket;
            socket.setSoTimeout(2000);
        }

        int port() {
            return socket.getLocalPort();
        }

        ByteBuffer call(InetSocketAddress to, ByteBuffer packet) throws Exception {
            send(to, packet);
            return receive();
        }

        void send(InetSocketAddress to, ByteBuffer packet) throws Exception {
            byte[] b = new byte[packet.remaining()];
            packet.get(b);
            socket.send(new java.net.DatagramPacket(b, b.length, to));
        }

        ByteBuffer receive() throws Exception {
            byte[] buf = new byte[4096];
            var p = new java.net.DatagramPacket(buf, buf.length);
            socket.receive(p);
            return ByteBuffer.wrap(buf, 0, p.getLength()).slice();
        }

        long connect(InetSocketAddress to, int tx) throws Exception {
            ByteBuffer r = call(to, ByteBuffer.allocate(16).putLong(UdpCodec.PROTOCOL_ID).putInt(0).putInt(tx).flip());
            assertThat(r.remaining()).isEqualTo(16);
            assertThat(r.getInt()).isEqualTo(0);
            assertThat(r.getInt()).isEqualTo(tx);
            return r.getLong();
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    static ByteBuffer announce(long conn, int tx, int peerIdByte, long left, int event, int port) {
        ByteBuffer b = ByteBuffer.allocate(98);
        b.putLong(conn).putInt(1).putInt(tx);
        for (int i = 0; i < 20; i++) b.put((byte) 0x5a);
        for (int i = 0; i < 20; i++) b.put((byte) peerIdByte);
        return b.putLong(0).putLong(left).putLong(0).putInt(event).putInt(0).putInt(1).putInt(-1).putShort((short) port).flip();
    }

    static String errorText(ByteBuffer r, int tx) {
        assertThat(r.getInt()).as("action").isEqualTo(3);
        assertThat(r.getInt()).isEqualTo(tx);
        byte[] m = new byte[r.remaining()];
        r.get(m);
        return new String(m, StandardCharsets.UTF_8);
    }

    @Test
    void connectAnnounceAndScrape() throws Exception {
        try (Client seeder = new Client(); Client leecher = new Client()) {
            long c1 = seeder.connect(server, 1);
            ByteBuffer r1 = seeder.call(server, announce(c1, 2, 1, 0, 2, 7001));
            assertThat(r1.remaining()).isEqualTo(20);
            assertThat(r1.getInt()).isEqualTo(1);
            assertThat(r1.getInt()).isEqualTo(2);
            assertThat(r1.getInt()).as("interval").isEqualTo(120);
            assertThat(r1.getInt()).as("leechers").isZero();
            assertThat(r1.getInt()).as("seeders").isEqualTo(1);

            long c2 = leecher.connect(server, 3);
            ByteBuffer r2 = leecher.call(server, announce(c2, 4, 2, 500, 2, 7002));
            assertThat(r2.remaining()).isEqualTo(26);
            r2.position(12);
            assertThat(r2.getInt()).as("leechers").isEqualTo(1);
            assertThat(r2.getInt()).as("seeders").isEqualTo(1);
            byte[] ip = new byte[4];
            r2.get(ip);
            assertThat(InetAddress.getByAddress(ip)).isEqualTo(InetAddress.getLoopbackAddress());
            assertThat(Short.toUnsignedInt(r2.getShort())).isEqualTo(7001);

            ByteBuffer scrape = ByteBuffer.allocate(56).putLong(c2).putInt(2).putInt(5);
            for (int i = 0; i < 20; i++) scrape.put((byte) 0x5a);
            for (int i = 0; i < 20; i++) scrape.put((byte) 0x00);
            ByteBuffer r3 = leecher.call(server, scrape.flip());
            assertThat(r3.remaining()).isEqualTo(8 + 24);
            assertThat(r3.getInt()).isEqualTo(2);
            assertThat(r3.getInt()).isEqualTo(5);
            assertThat(new int[] {r3.getInt(), r3.getInt(), r3.getInt(), r3.getInt(), r3.getInt(), r3.getInt()})
                    .containsExactly(1, 0, 1, 0, 0, 0);
        }
    }

    @Test
    void connectionIdsAreBoundToTheClientAddressAndExpire() throws Exception {
        try (Client a = new Client(); Client b = new Client()) {
            long id = a.connect(server, 1);
            // another client (other port) cannot use it
            assertThat(errorText(b.call(server, announce(id, 7, 2, 0, 0, 7002)), 7)).contains("connection id");
            // a guessed id is refused
            assertThat(errorText(a.call(server, announce(id ^ 1, 8, 1, 0, 0, 7001)), 8)).contains("connection id");
            // still valid a minute later (same or next slot) ...
            clock.addAndGet(60_000);
            assertThat(a.call(server, announce(id, 9, 1, 0, 0, 7001)).getInt()).isEqualTo(1);
            // ... but never after two minutes
            clock.addAndGet(60_001);
            assertThat(errorText(a.call(server, announce(id, 10, 1, 0, 0, 7001)), 10)).contains("expired");
        }
    }

    @Test
    void junkIsDroppedOrAnsweredWithAnErrorAndTheServerKeepsServing() throws Exception {
        try (Client c = new Client()) {
            c.send(server, ByteBuffer.wrap(new byte[] {1, 2, 3}));
            c.send(server, ByteBuffer.allocate(3000)); // larger than any request
            ByteBuffer unknown = ByteBuffer.allocate(16).putLong(1).putInt(9).putInt(77).flip();
            assertThat(errorText(c.call(server, unknown), 77)).contains("unknown action 9");
            // the junk before produced no reply: the next packet we read answers the connect
            assertThat(c.connect(server, 5)).isNotZero();
            c.socket.setSoTimeout(300);
            try {
                c.receive();
                throw new AssertionError("unexpected extra reply");
            } catch (SocketTimeoutException expected) {
                // nothing else was sent
            }
        }
    }

    @Test
    void ipv6ClientsGetIpv6Peers() throws Exception {
        InetAddress v6 = InetAddress.ofLiteral("::1");
        try (UdpTracker t6 = UdpTracker.start(new InetSocketAddress(v6, 0), new SwarmRegistry(config, new Random(1)),
                new TrackerCounters(), clock::get);
             Client a = new Client(new java.net.DatagramSocket(new InetSocketAddress(v6, 0)));
             Client b = new Client(new java.net.DatagramSocket(new InetSocketAddress(v6, 0)))) {
            InetSocketAddress to = new InetSocketAddress(v6, t6.port());
            {
                a.call(to, announce(a.connect(to, 1), 2, 1, 0, 2, 7001));
                ByteBuffer r = b.call(to, announce(b.connect(to, 3), 4, 2, 9, 2, 7002));
                assertThat(r.remaining()).isEqualTo(20 + 18);
                r.position(20);
                byte[] ip = new byte[16];
                r.get(ip);
                assertThat(InetAddress.getByAddress(ip)).isEqualTo(v6);
            }
        } catch (java.net.SocketException noIpv6) {
            org.junit.jupiter.api.Assumptions.abort("no IPv6 loopback here: " + noIpv6.getMessage());
        }
    }
}
