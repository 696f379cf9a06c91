package io.btspeed.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.btspeed.interop.harness.Content;
import io.btspeed.interop.harness.OpenTracker;
import io.btspeed.interop.harness.Peers;
import io.btspeed.interop.harness.Proc;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * btspeed's announces against a real tracker (opentracker) over HTTP and UDP, tier fallover, and
 * {@code --bind} applied to outgoing connections. The seeder is a real libtorrent peer; the leecher's
 * bytes are compared with the source.
 */
@Tag("interop")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class TrackerAnnounceInteropTest {
    @TempDir
    Path tmp;

    @BeforeAll
    static void needsClients() {
        Peers.requireLibtorrent();
        Peers.require("/usr/bin/opentracker");
    }

    /** Info-hash of the content, learnt from a probe torrent (trackers are outside the info dict). */
    private String infoHashOf(Peers peers, Path src) throws Exception {
        Path probe = tmp.resolve("probe.torrent");
        peers.btspeedRun("create-probe", "create", src.toString(), "-o", probe.toString());
        return peers.btspeedRun("info-probe", "info", probe.toString()).lines()
                .filter(l -> l.startsWith("info-hash:")).findFirst().orElseThrow().split("\\s+")[1];
    }

    private String seedAndFetch(Peers peers, Path src, List<String> trackerArgs, String... extraDownloadArgs) throws Exception {
        Path torrent = tmp.resolve("tracked.torrent");
        java.util.List<String> create = new java.util.ArrayList<>(List.of("create", src.toString(), "-o", torrent.toString()));
        create.addAll(trackerArgs);
        peers.btspeedRun("create", create.toArray(String[]::new));
        Proc lt = peers.libtorrent("lt-seed", "seed", torrent.toString(), src.getParent(), "127.0.0.1", Peers.freePort(), List.of());
        lt.awaitLine("READY", Duration.ofSeconds(30));
        java.util.List<String> dl = new java.util.ArrayList<>(List.of("download", torrent.toString(), "--dir",
                tmp.resolve("out").toString(), "--port", "0"));
        dl.addAll(List.of(extraDownloadArgs));
        Proc bt = peers.btspeed("btspeed-tracked", dl.toArray(String[]::new));
        assertThat(bt.awaitExit(Duration.ofSeconds(120))).as(bt.tail() + "\n" + lt.tail()).isZero();
        assertThat(Content.digests(tmp.resolve("out").resolve(src.getFileName())))
                .as("downloaded file\n%s", peers.dumpLogs()).isEqualTo(Content.digests(src));
        return bt.output();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"http", "udp"})
    void findsTheLibtorrentSeederThroughOpentracker(String scheme) throws Exception {
        try (Peers peers = new Peers(tmp)) {
            Path src = Content.randomFile(tmp.resolve("seed/tracked.bin"), 3_000_000, 4);
            OpenTracker tracker = OpenTracker.start(peers, List.of(infoHashOf(peers, src)));
            String url = scheme.equals("udp") ? tracker.udpAnnounce() : tracker.httpAnnounce();
            seedAndFetch(peers, src, List.of("--tracker", url));
        }
    }

    /**
     * The other direction: btspeed seeds and announces, and a libtorrent leecher whose only way to
     * the seeder is the address opentracker recorded finds it and gets every byte.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"http", "udp"})
    void libtorrentFindsTheBtspeedSeederThroughOpentracker(String scheme) throws Exception {
        try (Peers peers = new Peers(tmp)) {
            Path src = Content.randomTree(tmp.resolve("seed/album"), 12);
            OpenTracker tracker = OpenTracker.start(peers, List.of(infoHashOf(peers, src)));
            Path torrent = tmp.resolve("album.torrent"); // default piece size, as the probe's: same info-hash
            peers.btspeedRun("create", "create", src.toString(), "-o", torrent.toString(),
                    "--tracker", scheme.equals("udp") ? tracker.udpAnnounce() : tracker.httpAnnounce());
            // seeder first, as a user would; bound to loopback so the tracker records a reachable address
            Proc seed = peers.btspeed("btspeed-seed", "seed", torrent.toString(), "--dir", tmp.resolve("seed").toString(),
                    "--port", String.valueOf(Peers.freePort()), "--bind", "127.0.0.1");
            seed.awaitLine("seeding", Duration.ofSeconds(60));
            // the leecher re-announces while it has no peer, in case it asked before the seeder's announce landed
            Proc lt = peers.libtorrent("lt-leech", "leech", torrent.toString(), tmp.resolve("out"), "127.0.0.3",
                    Peers.freePort(), List.of(), List.of("--reannounce", "2"));
            lt.awaitLine("^DONE", Duration.ofSeconds(120));
            assertThat(Content.digests(tmp.resolve("out/album"))).as(peers.dumpLogs()).isEqualTo(Content.digests(src));
            assertThat(seed.output()).as("no tracker warning").doesNotContain("warning: tracker");
        }
    }

    @Test
    void fallsOverToTheNextTierWhenTheFirstTrackersAreDead() throws Exception {
        try (Peers peers = new Peers(tmp)) {
            Path src = Content.randomFile(tmp.resolve("seed/tiered.bin"), 2_000_000, 5);
            OpenTracker tracker = OpenTracker.start(peers, List.of(infoHashOf(peers, src)));
            // nothing listens on these ports: HTTP is refused, UDP gets ICMP port unreachable
            String deadHttp = "http://127.0.0.1:" + Peers.freePort() + "/announce";
            String deadUdp = "udp://127.0.0.1:" + Peers.freePort() + "/announce";
            String out = seedAndFetch(peers, src, List.of("--tracker", deadHttp + "," + deadUdp, "--tracker", tracker.udpAnnounce()));
            assertThat(out).as("the dead tracker is reported as a warning").contains("warning: tracker " + deadHttp);
        }
    }

    @Test
    void dialsPeersFromTheBindAddress() throws Exception {
        try (Peers peers = new Peers(tmp)) {
            Path src = Content.randomFile(tmp.resolve("seed/bound.bin"), 100_000, 6);
            Path torrent = tmp.resolve("bound.torrent");
            peers.btspeedRun("create", "create", src.toString(), "-o", torrent.toString());
            try (ServerSocket fakePeer = new ServerSocket()) {
                fakePeer.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.8"), 0));
                fakePeer.setSoTimeout(30_000);
                Proc bt = peers.btspeed("btspeed-bound", "download", torrent.toString(), "--dir", tmp.resolve("out").toString(),
                        "--port", "0", "--bind", "127.0.0.9", "--no-trackers", "--peer", "127.0.0.8:" + fakePeer.getLocalPort());
                try (Socket s = fakePeer.accept()) {
                    assertThat(s.getInetAddress().getHostAddress()).as("source of btspeed's outgoing connection\n%s", bt.tail())
                            .isEqualTo("127.0.0.9");
                }
            }
        }
    }
}
