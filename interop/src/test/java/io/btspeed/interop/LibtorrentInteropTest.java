package io.btspeed.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.btspeed.interop.harness.Content;
import io.btspeed.interop.harness.Peers;
import io.btspeed.interop.harness.Proc;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** btspeed and a real libtorrent 2.0 peer (Debian python3-libtorrent), both directions, on loopback. */
@Tag("interop")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LibtorrentInteropTest {
    @TempDir
    Path tmp;

    @BeforeAll
    static void needsLibtorrent() {
        Peers.requireLibtorrent();
    }

    private static void assertSameContent(Path expected, Path actual, Peers peers) throws Exception {
        assertThat(Content.digests(actual)).as("downloaded files\n%s", peers.dumpLogs()).isEqualTo(Content.digests(expected));
    }

    @Test
    void btspeedDownloadsFromLibtorrentSeederWithForeignTorrent() throws Exception {
        Peers.require("/usr/bin/mktorrent");
        try (Peers peers = new Peers(tmp)) {
            Path src = Content.randomFile(tmp.resolve("seed/single.bin"), 5_000_003, 1);
            Path torrent = tmp.resolve("single.torrent");
            Process mk = new ProcessBuilder("/usr/bin/mktorrent", "-l", "16", "-o", torrent.toString(), src.toString())
                    .redirectErrorStream(true).start();
            assertThat(mk.waitFor()).isZero();
            int ltPort = Peers.freePort();
            Proc lt = peers.libtorrent("lt-seed", "seed", torrent.toString(), tmp.resolve("seed"), "127.0.0.2", ltPort, List.of());
            lt.awaitLine("READY", Duration.ofSeconds(30));
            Proc bt = peers.btspeed("btspeed-leech", "download", torrent.toString(), "--dir", tmp.resolve("out").toString(),
                    "--port", "0", "--peer", "127.0.0.2:" + ltPort, "--no-trackers");
            assertThat(bt.awaitExit(Duration.ofSeconds(120))).as(bt.tail()).isZero();
            assertThat(bt.output()).contains("complete:");
            assertSameContent(src, tmp.resolve("out/single.bin"), peers);
        }
    }

    @Test
    void libtorrentDownloadsFromBtspeedSeederMultiFile() throws Exception {
        try (Peers peers = new Peers(tmp)) {
            Path src = Content.randomTree(tmp.resolve("seed/tree"), 2);
            Path torrent = tmp.resolve("tree.torrent");
            peers.btspeedRun("create", "create", src.toString(), "-o", torrent.toString(), "--piece-size", "64K");
            int port = Peers.freePort();
            Proc seed = peers.btspeed("btspeed-seed", "seed", torrent.toString(), "--dir", tmp.resolve("seed").toString(),
                    "--port", String.valueOf(port), "--bind", "127.0.0.1", "--no-trackers");
            seed.awaitLine("seeding", Duration.ofSeconds(60));
            Proc lt = peers.libtorrent("lt-leech", "leech", torrent.toString(), tmp.resolve("out"), "127.0.0.3", Peers.freePort(),
                    List.of("127.0.0.1:" + port));
            lt.awaitLine("^DONE", Duration.ofSeconds(120));
            assertSameContent(src, tmp.resolve("out/tree"), peers);
        }
    }

    @Test
    void btspeedFetchesMetadataOfAMagnetFromLibtorrentThenTheData() throws Exception {
        try (Peers peers = new Peers(tmp)) {
            Path src = Content.randomTree(tmp.resolve("seed/tree"), 3);
            Path torrent = tmp.resolve("tree.torrent");
            peers.btspeedRun("create", "create", src.toString(), "-o", torrent.toString());
            String info = peers.btspeedRun("info", "info", torrent.toString());
            String magnet = info.lines().filter(l -> l.startsWith("magnet:")).findFirst().orElseThrow()
                    .substring("magnet:".length()).trim();
            int ltPort = Peers.freePort();
            Proc lt = peers.libtorrent("lt-seed", "seed", torrent.toString(), tmp.resolve("seed"), "127.0.0.4", ltPort, List.of());
            lt.awaitLine("READY", Duration.ofSeconds(30));
            Proc bt = peers.btspeed("btspeed-magnet", "download", magnet, "--dir", tmp.resolve("out").toString(),
                    "--port", "0", "--peer", "127.0.0.4:" + ltPort, "--no-trackers");
            assertThat(bt.awaitExit(Duration.ofSeconds(120))).as(bt.tail()).isZero();
            assertSameContent(src, tmp.resolve("out/tree"), peers);
        }
    }
}
