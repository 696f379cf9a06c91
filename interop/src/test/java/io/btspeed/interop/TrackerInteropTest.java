package io.btspeed.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.btspeed.app.Main;
import io.btspeed.interop.harness.BtspeedTracker;
import io.btspeed.interop.harness.Content;
import io.btspeed.interop.harness.Peers;
import io.btspeed.interop.harness.Proc;
import io.btspeed.interop.harness.Transmission;
import io.btspeed.protocol.metainfo.Metainfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real clients announce to btspeed's tracker (the CLI, HTTP and UDP) and find each other through
 * it alone: no peer is given to anyone directly. Each leecher's files are compared by SHA-256 with
 * the seed's, and the tracker's scrape must show the seed and the finished download.
 */
@Tag("interop")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class TrackerInteropTest {
    @TempDir
    Path tmp;

    /** The torrent of {@code data} announcing to {@code trackerUrl}; its info-hash does not depend on the URL. */
    private Path torrent(Path data, String trackerUrl, String name) throws Exception {
        Path t = tmp.resolve(name + ".torrent");
        int rc = Main.run("create", data.toString(), "-o", t.toString(), "--tracker", trackerUrl, "--piece-size", "64K", "--force");
        assertThat(rc).as("btspeed create").isZero();
        return t;
    }

    private static String hash(Path torrent) throws Exception {
        return Metainfo.parse(Files.readAllBytes(torrent)).infoHash().hex();
    }

    private static void assertSameContent(Path expected, Path actual, Peers peers) throws Exception {
        assertThat(Content.digests(actual)).as("downloaded files\n%s", peers.dumpLogs()).isEqualTo(Content.digests(expected));
    }

    @Test
    void libtorrentLeechesFromTransmissionOverHttpOnAPrivateTracker() throws Exception {
        Peers.requireLibtorrent();
        try (Peers peers = new Peers(tmp)) {
            Path src = Content.randomFile(tmp.resolve("seed/http.bin"), 4_000_001, 11);
            // the allow-list needs the hash before the tracker runs; the hash ignores the announce URL
            String hash = hash(torrent(src, "http://127.0.0.1:1/announce", "probe"));
            BtspeedTracker tracker = BtspeedTracker.start(peers, List.of(hash), 2);
            Path torrent = torrent(src, tracker.httpAnnounce, "http");
            assertThat(hash(torrent)).isEqualTo(hash);

            Transmission tx = Transmission.start(peers, "tx-seed", tmp.resolve("seed"));
            tx.add(torrent, tmp.resolve("seed"));
            tracker.awaitCounts(hash, c -> c.complete() == 1, Duration.ofSeconds(60), "Transmission seeding");

            Proc lt = peers.libtorrent("lt-leech", "leech", torrent.toString(), tmp.resolve("out"), "127.0.0.2", Peers.freePort(),
                    List.of());
            lt.awaitLine("^DONE", Duration.ofSeconds(120));
            assertSameContent(src, tmp.resolve("out/http.bin"), peers);
            // the leecher exits once done (announcing "stopped"): one download completed, Transmission still seeding
            tracker.awaitCounts(hash, c -> c.downloaded() == 1 && c.complete() == 1, Duration.ofSeconds(30),
                    "libtorrent's completed event");
        }
    }

    @Test
    void transmissionLeechesFromLibtorrentOverUdp() throws Exception {
        Peers.requireLibtorrent();
        try (Peers peers = new Peers(tmp)) {
            Path src = Content.randomTree(tmp.resolve("seed/tree"), 12);
            BtspeedTracker tracker = BtspeedTracker.start(peers, List.of(), 2);
            Path torrent = torrent(src, tracker.udpAnnounce, "udp-tx");
            String hash = hash(torrent);
            // Transmission never dials 127.x peers it learns from a tracker; the seeder must dial it, so
            // the seeder re-announces often to learn of Transmission soon after it arrives
            Proc lt = peers.libtorrent("lt-seed", "seed", torrent.toString(), tmp.resolve("seed"), "127.0.0.1", Peers.freePort(),
                    List.of(), List.of("--reannounce", "2"));
            lt.awaitLine("READY", Duration.ofSeconds(30));
            tracker.awaitCounts(hash, c -> c.complete() == 1, Duration.ofSeconds(30), "libtorrent seeding over UDP");

            Transmission tx = Transmission.start(peers, "tx-leech", tmp.resolve("out"));
            tx.add(torrent, tmp.resolve("out"));
            tx.awaitComplete(Duration.ofSeconds(120));
            assertSameContent(src, tmp.resolve("out/tree"), peers);
            tracker.awaitCounts(hash, c -> c.downloaded() == 1, Duration.ofSeconds(30), "Transmission's completed event over UDP");
        }
    }

    @Test
    void libtorrentLeechesFromLibtorrentOverUdp() throws Exception {
        Peers.requireLibtorrent();
        try (Peers peers = new Peers(tmp)) {
            Path src = Content.randomFile(tmp.resolve("seed/udp.bin"), 3_000_017, 13);
            BtspeedTracker tracker = BtspeedTracker.start(peers, List.of(), 2);
            Path torrent = torrent(src, tracker.udpAnnounce, "udp-lt");
            String hash = hash(torrent);
            Proc seed = peers.libtorrent("lt-seed", "seed", torrent.toString(), tmp.resolve("seed"), "127.0.0.3", Peers.freePort(),
                    List.of());
            seed.awaitLine("READY", Duration.ofSeconds(30));
            tracker.awaitCounts(hash, c -> c.complete() == 1, Duration.ofSeconds(30), "libtorrent seeding over UDP");
            Proc leech = peers.libtorrent("lt-leech", "leech", torrent.toString(), tmp.resolve("out"), "127.0.0.4", Peers.freePort(),
                    List.of());
            leech.awaitLine("^DONE", Duration.ofSeconds(120));
            assertSameContent(src, tmp.resolve("out/udp.bin"), peers);
            tracker.awaitCounts(hash, c -> c.downloaded() == 1, Duration.ofSeconds(30), "libtorrent's completed event over UDP");
        }
    }

    /** Over HTTP: the engine's session announces to HTTP trackers only, for now (it skips udp:// URLs). */
    @Test
    void btspeedFindsALibtorrentSeederThroughBtspeedsTracker() throws Exception {
        Peers.requireLibtorrent();
        try (Peers peers = new Peers(tmp)) {
            Path src = Content.randomTree(tmp.resolve("seed/tree"), 14);
            BtspeedTracker tracker = BtspeedTracker.start(peers, List.of(), 2);
            Path torrent = torrent(src, tracker.httpAnnounce, "bt");
            String hash = hash(torrent);
            Proc lt = peers.libtorrent("lt-seed", "seed", torrent.toString(), tmp.resolve("seed"), "127.0.0.5", Peers.freePort(), List.of());
            lt.awaitLine("READY", Duration.ofSeconds(30));
            tracker.awaitCounts(hash, c -> c.complete() == 1, Duration.ofSeconds(30), "libtorrent seeding");
            Proc bt = peers.btspeed("btspeed-leech", "download", torrent.toString(), "--dir", tmp.resolve("out").toString(),
                    "--port", "0", "--bind", "127.0.0.6");
            assertThat(bt.awaitExit(Duration.ofSeconds(120))).as(bt.tail() + "\n" + lt.tail()).isZero();
            assertSameContent(src, tmp.resolve("out/tree"), peers);
            tracker.awaitCounts(hash, c -> c.downloaded() == 1, Duration.ofSeconds(30), "btspeed's completed event\n" + bt.tail());
        }
    }

    @Test
    void aPrivateTrackerRefusesLibtorrentForAnUnlistedTorrentWithItsReason() throws Exception {
        Peers.requireLibtorrent();
        try (Peers peers = new Peers(tmp)) {
            Path src = Content.randomFile(tmp.resolve("seed/unlisted.bin"), 200_000, 16);
            BtspeedTracker tracker = BtspeedTracker.start(peers, List.of("00".repeat(20)), 2);
            Path torrent = torrent(src, tracker.httpAnnounce, "unlisted");
            Proc lt = peers.libtorrent("lt-seed", "seed", torrent.toString(), tmp.resolve("seed"), "127.0.0.9", Peers.freePort(), List.of());
            // libtorrent reports the tracker's bencoded failure reason as a tracker error
            lt.awaitLine("ALERT .*not tracked here", Duration.ofSeconds(30));
            assertThat(tracker.scrape(hash(torrent))).isEqualTo(new BtspeedTracker.Counts(0, 0, 0));
        }
    }
}
