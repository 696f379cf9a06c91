package io.btspeed.engine.tracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The UDP client against a fake BEP 15 tracker on loopback, with a short retransmission timer. */
@Timeout(30)
class UdpTrackerClientTest {
    private static final UdpTrackerClient.Config FAST = new UdpTrackerClient.Config(Duration.ofMillis(200), 3, Duration.ofMinutes(1));
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private FakeUdpTracker tracker;

    @BeforeEach
    void start() throws Exception {
        tracker = new FakeUdpTracker();
        tracker.peers = List.of(new InetSocketAddress("127.0.0.1", 6881), new InetSocketAddress("10.1.2.3", 51413));
    }

    @AfterEach
    void stop() throws Exception {
        tracker.close();
    }

    private UdpTrackerClient client(String url) {
        return new UdpTrackerClient(url, FAST, clock::get, new Random(7));
    }

    @Test
    void connectThenAnnounceCarriesOurFieldsAndReturnsPeers() throws Exception {
        try (UdpTrackerClient c = client(tracker.url())) {
            AnnounceResponse r = c.announce(HttpAnnounceQueryTest.request(AnnounceEvent.STARTED), TIMEOUT);
            assertThat(r).isEqualTo(new AnnounceResponse(1800, 0, tracker.peers, 2, 1, null));
        }
        assertThat(tracker.connects.get()).isEqualTo(1);
        byte[] ann = tracker.received.get(1);
        assertThat(ann).as("bare /announce sends no URL data").hasSize(98);
        ByteBuffer b = ByteBuffer.wrap(ann);
        assertThat(b.getLong()).isEqualTo(1001L);
        assertThat(b.getInt()).isEqualTo(1);
        b.getInt();
        byte[] hash = new byte[20];
        b.get(hash);
        assertThat(hash).isEqualTo(HttpAnnounceQueryTest.HASH.bytes());
        assertThat(ByteBuffer.wrap(ann, 80, 4).getInt()).as("event started").isEqualTo(2);
        assertThat(ByteBuffer.wrap(ann, 96, 2).getShort()).isEqualTo((short) 6881);
    }

    @Test
    void connectionIdIsReusedForAMinuteThenRenewed() throws Exception {
        try (UdpTrackerClient c = client(tracker.url())) {
            c.announce(HttpAnnounceQueryTest.request(AnnounceEvent.STARTED), TIMEOUT);
            clock.addAndGet(Duration.ofSeconds(59).toNanos());
            c.announce(HttpAnnounceQueryTest.request(AnnounceEvent.NONE), TIMEOUT);
            assertThat(tracker.connects.get()).isEqualTo(1);
            clock.addAndGet(Duration.ofSeconds(2).toNanos());
            c.announce(HttpAnnounceQueryTest.request(AnnounceEvent.NONE), TIMEOUT);
            assertThat(tracker.connects.get()).isEqualTo(2);
            assertThat(tracker.announces.get()).isEqualTo(3);
        }
    }

    @Test
    void lostDatagramsAreRetransmitted() throws Exception {
        tracker.dropFirst = 2; // the connect and its first retransmission vanish
        try (UdpTrackerClient c = client(tracker.url())) {
            AnnounceResponse r = c.announce(HttpAnnounceQueryTest.request(AnnounceEvent.STARTED), TIMEOUT);
            assertThat(r.peers()).hasSize(2);
        }
        assertThat(tracker.received).hasSize(4);
        // a retransmission is the same request: same transaction id
        assertThat(tracker.received.get(1)).isEqualTo(tracker.received.get(0));
        assertThat(tracker.received.get(2)).isEqualTo(tracker.received.get(0));
    }

    @Test
    void strayRepliesWithOtherTransactionIdsAreIgnored() throws Exception {
        tracker.strayFirst = true;
        try (UdpTrackerClient c = client(tracker.url())) {
            assertThat(c.announce(HttpAnnounceQueryTest.request(AnnounceEvent.NONE), TIMEOUT).peers()).hasSize(2);
        }
    }

    @Test
    void errorActionIsARefusalAndDropsTheConnectionId() throws Exception {
        try (UdpTrackerClient c = client(tracker.url())) {
            c.announce(HttpAnnounceQueryTest.request(AnnounceEvent.STARTED), TIMEOUT);
            tracker.forgetConnections(); // tracker restarted: our id is now unknown to it
            assertThatThrownBy(() -> c.announce(HttpAnnounceQueryTest.request(AnnounceEvent.NONE), TIMEOUT))
                    .isInstanceOfSatisfying(TrackerRejectedException.class, e -> assertThat(e.reason()).isEqualTo("bad request"));
            assertThat(c.announce(HttpAnnounceQueryTest.request(AnnounceEvent.NONE), TIMEOUT).peers()).hasSize(2);
            assertThat(tracker.connects.get()).isEqualTo(2);
        }
    }

    @Test
    void silentTrackerFailsWithinTheDeadline() throws Exception {
        tracker.dropFirst = Integer.MAX_VALUE;
        try (UdpTrackerClient c = client(tracker.url())) {
            assertThatThrownBy(() -> c.announce(HttpAnnounceQueryTest.request(AnnounceEvent.NONE), Duration.ofMillis(1500)))
                    .isInstanceOf(SocketTimeoutException.class).hasMessageContaining("did not answer within");
        }
        // waits of 200, 400, 800, 1600 ms: a fifth send could come at 3 s at the earliest, past the deadline
        assertThat(tracker.received.size()).isBetween(2, 4);
        assertThat(tracker.received).allSatisfy(p -> assertThat(p).isEqualTo(tracker.received.getFirst()));
    }

    @Test
    void garbageWithOurTransactionIdIsAClearError() throws Exception {
        try (DatagramSocket evil = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             UdpTrackerClient c = client("udp://127.0.0.1:" + evil.getLocalPort())) {
            Thread.ofVirtual().start(() -> {
                try {
                    var p = new java.net.DatagramPacket(new byte[64], 64);
                    evil.receive(p);
                    byte[] reply = ByteBuffer.allocate(13).putInt(1).putInt(ByteBuffer.wrap(p.getData(), 12, 4).getInt()).array();
                    evil.send(new java.net.DatagramPacket(reply, reply.length, p.getSocketAddress()));
                } catch (Exception ignored) {
                    // test fails on its own if no reply arrives
                }
            });
            assertThatThrownBy(() -> c.announce(HttpAnnounceQueryTest.request(AnnounceEvent.NONE), TIMEOUT))
                    .isInstanceOf(TrackerException.class).hasMessageContaining("announce reply of 13 bytes");
        }
    }

    @Test
    void passkeyPathIsSentAsUrlData() throws Exception {
        try (UdpTrackerClient c = client(tracker.url().replace("/announce", "/a?passkey=xyz"))) {
            c.announce(HttpAnnounceQueryTest.request(AnnounceEvent.NONE), TIMEOUT);
        }
        byte[] ann = tracker.received.get(1);
        assertThat(ann).hasSize(98 + 2 + 14);
        assertThat(ann[98]).isEqualTo((byte) 2);
        assertThat(ann[99]).isEqualTo((byte) 14);
        assertThat(new String(ann, 100, 14, StandardCharsets.US_ASCII)).isEqualTo("/a?passkey=xyz");
    }
}
