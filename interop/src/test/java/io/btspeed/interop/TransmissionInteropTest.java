package io.btspeed.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.btspeed.interop.harness.Content;
import io.btspeed.interop.harness.Peers;
import io.btspeed.interop.harness.Proc;
import io.btspeed.interop.harness.Transmission;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** btspeed and a real Transmission 3.00 daemon, both directions. btspeed dials Transmission in both. */
@Tag("interop")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class TransmissionInteropTest {
    @TempDir
    Path tmp;

    @Test
    void btspeedDownloadsFromTransmissionSeederMultiFile() throws Exception {
        try (Peers peers = new Peers(tmp)) {
            Path src = Content.randomTree(tmp.resolve("seed/tree"), 10);
            Path torrent = tmp.resolve("tree.torrent");
            peers.btspeedRun("create", "create", src.toString(), "-o", torrent.toString(), "--piece-size", "32K");
            Transmission tx = Transmission.start(peers, "tx-seed", tmp.resolve("seed"));
            tx.add(torrent, tmp.resolve("seed"));
            tx.awaitComplete(Duration.ofSeconds(60)); // verified its copy: now a seeder
            Proc bt = peers.btspeed("btspeed-leech", "download", torrent.toString(), "--dir", tmp.resolve("out").toString(),
                    "--port", "0", "--peer", "127.0.0.1:" + tx.peerPort, "--no-trackers");
            assertThat(bt.awaitExit(Duration.ofSeconds(150))).as(bt.tail()).isZero();
            assertThat(Content.digests(tmp.resolve("out/tree"))).as(peers.dumpLogs()).isEqualTo(Content.digests(src));
        }
    }

    /** A mixed swarm: blocks of one torrent arrive from Transmission and libtorrent at once and must fit together. */
    @Test
    void btspeedDownloadsFromTransmissionAndLibtorrentAtOnce() throws Exception {
        Peers.requireLibtorrent();
        try (Peers peers = new Peers(tmp)) {
            Path src = Content.randomTree(tmp.resolve("seed/mixed"), 13);
            Path torrent = tmp.resolve("mixed.torrent");
            peers.btspeedRun("create", "create", src.toString(), "-o", torrent.toString(), "--piece-size", "32K");
            Transmission tx = Transmission.start(peers, "tx-seed", tmp.resolve("seed"));
            tx.add(torrent, tmp.resolve("seed"));
            int ltPort = Peers.freePort();
            Proc lt = peers.libtorrent("lt-seed", "seed", torrent.toString(), tmp.resolve("seed"), "127.0.0.1", ltPort, List.of(),
                    List.of("--no-trackers"));
            lt.awaitLine("READY", Duration.ofSeconds(30));
            tx.awaitComplete(Duration.ofSeconds(60));
            Proc bt = peers.btspeed("btspeed-leech", "download", torrent.toString(), "--dir", tmp.resolve("out").toString(),
                    "--port", "0", "--no-trackers",
                    "--peer", "127.0.0.1:" + tx.peerPort, "--peer", "127.0.0.1:" + ltPort);
            assertThat(bt.awaitExit(Duration.ofSeconds(150))).as(bt.tail()).isZero();
            assertThat(Content.digests(tmp.resolve("out/mixed"))).as(peers.dumpLogs()).isEqualTo(Content.digests(src));
        }
    }

    @Test
    void transmissionDownloadsFromBtspeedSeederSingleFile() throws Exception {
        try (Peers peers = new Peers(tmp)) {
            Path src = Content.randomFile(tmp.resolve("seed/one.bin"), 4_500_000, 11);
            Path torrent = tmp.resolve("one.torrent");
            peers.btspeedRun("create", "create", src.toString(), "-o", torrent.toString());
            Transmission tx = Transmission.start(peers, "tx-leech", tmp.resolve("out"));
            tx.add(torrent, tmp.resolve("out"));
            Proc seed = peers.btspeed("btspeed-seed", "seed", torrent.toString(), "--dir", tmp.resolve("seed").toString(),
                    "--port", "0", "--peer", "127.0.0.1:" + tx.peerPort, "--no-trackers");
            tx.awaitComplete(Duration.ofSeconds(150));
            assertThat(seed.isAlive()).as(seed.tail()).isTrue();
            assertThat(Content.digests(tmp.resolve("out/one.bin"))).as(peers.dumpLogs()).isEqualTo(Content.digests(src));
        }
    }
}
