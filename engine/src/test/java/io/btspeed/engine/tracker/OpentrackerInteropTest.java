package io.btspeed.engine.tracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.btspeed.protocol.metainfo.InfoHash;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our HTTP and UDP clients and the announcer against a real tracker: Debian's opentracker on loopback,
 * started per test (it keeps peers of earlier runs otherwise). opentracker only serves whitelisted
 * info-hashes; it chroots into its directory and reads the whitelist from there as user nobody, so the
 * directory must be world-readable.
 */
@Tag("interop")
@Timeout(60)
class OpentrackerInteropTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final long SEED = Long.getLong("btspeed.seed", 20261122L);

    @TempDir
    Path dir;
    private Process tracker;
    private int port;
    private InfoHash httpHash;
    private InfoHash udpHash;
    private InfoHash announcerHash;
    /** Whitelisted only to tell when opentracker has read its whitelist (it does so on a thread of its own after it listens). */
    private InfoHash probeHash;

    @BeforeEach
    void startTracker() throws Exception {
        Path binary = findOpentracker();
        Random random = new Random(SEED);
        System.out.println("interop seed " + SEED);
        httpHash = randomHash(random);
        udpHash = randomHash(random);
        announcerHash = randomHash(random);
        probeHash = randomHash(random);
        Path home = dir.resolve("ot");
        Files.createDirectories(home);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(home.resolve("whitelist"), httpHash.hex() + "\n" + udpHash.hex() + "\n" + announcerHash.hex() + "\n" + probeHash.hex() + "\n");
        Files.setPosixFilePermissions(home.resolve("whitelist"), PosixFilePermissions.fromString("rw-r--r--"));
        port = freeTcpAndUdpPort();
        Path conf = home.resolve("opentracker.conf");
        Files.writeString(conf, String.join("\n",
                "listen.tcp 127.0.0.1:" + port,
                "listen.udp 127.0.0.1:" + port,
                "access.whitelist ./whitelist",
                "tracker.rootdir " + home,
                "tracker.user nobody", ""));
        tracker = new ProcessBuilder(binary.toString(), "-f", conf.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("opentracker.log").toFile())
                .start();
        awaitListening();
    }

    @AfterEach
    void stopTracker() throws Exception {
        if (tracker == null) return;
        ProcessHandle h = tracker.toHandle();
        h.destroy();
        if (!tracker.waitFor(5, TimeUnit.SECONDS)) {
            h.destroyForcibly();
            tracker.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static Path findOpentracker() {
        for (String d : (System.getenv().getOrDefault("PATH", "") + ":/usr/bin:/usr/sbin").split(":")) {
            if (d.isEmpty()) continue;
            Path p = Path.of(d, "opentracker");
            if (Files.isExecutable(p)) return p;
        }
        String why = "opentracker is not installed (Debian package opentracker)";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) throw new AssertionError(why + " — required under CI");
        Assumptions.abort(why);
        return null;
    }

    private static InfoHash randomHash(Random r) {
        byte[] b = new byte[20];
        r.nextBytes(b);
        return new InfoHash(b);
    }

    /** A port free for both TCP and UDP right now (opentracker listens on both with one number). */
    private static int freeTcpAndUdpPort() throws IOException {
        for (int i = 0; i < 20; i++) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                int p = s.getLocalPort();
                try (DatagramSocket u = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), p))) {
                    return u.getLocalPort();
                } catch (IOException taken) {
                    // try another
                }
            }
        }
        throw new IOException("no port free for both TCP and UDP");
    }

    private void awaitListening() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!tracker.isAlive()) {
                throw new AssertionError("opentracker exited with " + tracker.exitValue() + ": "
                        + Files.readString(dir.resolve("opentracker.log"), StandardCharsets.UTF_8));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            } catch (IOException notYet) {
                Thread.sleep(50);
                continue;
            }
            // listening is not enough: until the whitelist is read, every hash is refused
            try (TrackerClient probe = TrackerClients.forUrl("http://127.0.0.1:" + port + "/announce")) {
                probe.announce(request(probeHash, 'p', 41009, AnnounceEvent.STARTED), Duration.ofSeconds(2));
                return;
            } catch (TrackerException notYet) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError("opentracker did not listen on " + port + " and serve its whitelist within 10 s");
    }

    private static AnnounceRequest request(InfoHash hash, char who, int peerPort, AnnounceEvent e) {
        byte[] id = ("-BS0001-" + String.valueOf(who).repeat(12)).getBytes(StandardCharsets.US_ASCII);
        return new AnnounceRequest(hash, id, peerPort, 0, 0, 1000, e, 50, who);
    }

    private static InetSocketAddress local(int p) {
        return new InetSocketAddress("127.0.0.1", p);
    }

    private void twoPeersSeeEachOther(TrackerClient a, TrackerClient b, InfoHash hash) throws Exception {
        AnnounceResponse first = a.announce(request(hash, 'a', 41001, AnnounceEvent.STARTED), TIMEOUT);
        assertThat(first.peers()).doesNotContain(local(41002));
        assertThat(first.intervalSeconds()).isPositive();
        AnnounceResponse second = b.announce(request(hash, 'b', 41002, AnnounceEvent.STARTED), TIMEOUT);
        assertThat(second.peers()).contains(local(41001));
        assertThat(second.leechers()).isEqualTo(2);
        AnnounceResponse again = a.announce(request(hash, 'a', 41001, AnnounceEvent.NONE), TIMEOUT);
        assertThat(again.peers()).contains(local(41002));
    }

    @Test
    void httpAnnouncesFindEachOther() throws Exception {
        String url = "http://127.0.0.1:" + port + "/announce";
        try (TrackerClient a = TrackerClients.forUrl(url); TrackerClient b = TrackerClients.forUrl(url)) {
            twoPeersSeeEachOther(a, b, httpHash);
            AnnounceResponse r = a.announce(request(httpHash, 'a', 41001, AnnounceEvent.NONE), TIMEOUT);
            assertThat(r.minIntervalSeconds()).isPositive();
            // not on the whitelist: a refusal with opentracker's reason, not a parse error
            assertThatThrownBy(() -> a.announce(request(new InfoHash(new byte[20]), 'a', 41001, AnnounceEvent.STARTED), TIMEOUT))
                    .isInstanceOf(TrackerRejectedException.class);
        }
    }

    @Test
    void udpAnnouncesFindEachOther() throws Exception {
        String url = "udp://127.0.0.1:" + port + "/announce";
        try (TrackerClient a = TrackerClients.forUrl(url); TrackerClient b = TrackerClients.forUrl(url)) {
            twoPeersSeeEachOther(a, b, udpHash);
        }
    }

    @Test
    void announcerDeliversPeersAndStoppedRemovesUs() throws Exception {
        String http = "http://127.0.0.1:" + port + "/announce";
        String udp = "udp://127.0.0.1:" + port;
        List<List<String>> tiers = List.of(List.of(udp), List.of(http));
        List<InetSocketAddress> seenByB = new CopyOnWriteArrayList<>();
        Announcer a = new Announcer(announcerHash, ("-BS0001-" + "A".repeat(12)).getBytes(StandardCharsets.US_ASCII), 42001,
                tiers, () -> new Announcer.Stats(0, 0, 1000), peers -> { });
        Thread ta = Thread.ofVirtual().start(a::run);
        // A is registered once a tracker has answered it
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (a.trackers().stream().noneMatch(AnnounceSchedule.TrackerState::announced) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        Announcer b = new Announcer(announcerHash, ("-BS0001-" + "B".repeat(12)).getBytes(StandardCharsets.US_ASCII), 42002,
                tiers, () -> new Announcer.Stats(0, 0, 1000), seenByB::addAll);
        Thread tb = Thread.ofVirtual().start(b::run);
        while (!seenByB.contains(local(42001)) && System.nanoTime() < deadline) Thread.sleep(20);
        assertThat(seenByB).contains(local(42001));
        a.close();
        b.close();
        ta.join(10_000);
        tb.join(10_000);
        // both sent "stopped": a newcomer sees neither of them
        try (TrackerClient c = TrackerClients.forUrl(http)) {
            AnnounceResponse r = c.announce(request(announcerHash, 'c', 42003, AnnounceEvent.STARTED), TIMEOUT);
            assertThat(r.peers()).doesNotContain(local(42001), local(42002));
        }
    }
}
