package io.btspeed.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.btspeed.app.Main;
import io.btspeed.interop.harness.Content;
import io.btspeed.interop.harness.Peers;
import io.btspeed.interop.harness.Proc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * btspeed and libtorrent find each other by Local Service Discovery (BEP 14) alone: no tracker, no
 * peer given. Multicast needs a loopback with the MULTICAST flag, which containers often lack, so
 * every process runs in a network namespace the test makes (root only) whose loopback has it.
 */
@Tag("interop")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LsdInteropTest {
    @TempDir
    Path tmp;

    /** A fresh network namespace held open by a sleeping process; every later process of {@code peers} runs inside it. */
    private static void enterNamespace(Peers peers) throws Exception {
        boolean root = "root".equals(System.getProperty("user.name"));
        boolean tools = Files.isExecutable(Path.of("/usr/bin/unshare")) && Files.isExecutable(Path.of("/usr/bin/nsenter"));
        if (!root || !tools) {
            String why = "local discovery interop needs a network namespace: root and unshare/nsenter (root=" + root + ", tools=" + tools + ")";
            if ("true".equals(System.getenv("CI"))) throw new AssertionError(why);
            Assumptions.abort(why);
        }
        Proc holder = peers.start("netns", List.of("/usr/bin/unshare", "--net", "sh", "-c",
                "ip link set lo up && ip link set lo multicast on && echo NETNS-READY && exec sleep 600"));
        holder.awaitLine("NETNS-READY", Duration.ofSeconds(10));
        peers.launchWith(List.of("/usr/bin/nsenter", "--net=/proc/" + holder.pid() + "/ns/net"));
    }

    private Path torrent(Path data) {
        Path t = tmp.resolve("lsd.torrent");
        assertThat(Main.run("create", data.toString(), "-o", t.toString(), "--piece-size", "64K")).isZero();
        return t;
    }

    @Test
    void btspeedFindsALibtorrentSeederByLocalDiscovery() throws Exception {
        Peers.requireLibtorrent();
        try (Peers peers = new Peers(tmp)) {
            Path src = Content.randomTree(tmp.resolve("seed/tree"), 21);
            Path torrent = torrent(src);
            enterNamespace(peers);
            Proc bt = peers.btspeed("btspeed-leech", "download", torrent.toString(), "--dir", tmp.resolve("out").toString(),
                    "--port", "0", "--no-trackers", "--lsd");
            bt.awaitLine("local discovery on 239\\.192\\.152\\.143:6771 on lo", Duration.ofSeconds(30));
            // the seeder's first announce, when it starts, is what the waiting leecher hears
            peers.libtorrent("lt-seed", "seed", torrent.toString(), tmp.resolve("seed"), "127.0.0.1", Peers.freePort(), List.of(),
                    List.of("--lsd", "--no-trackers"));
            assertThat(bt.awaitExit(Duration.ofSeconds(120))).as(peers.dumpLogs()).isZero();
            assertThat(Content.digests(tmp.resolve("out/tree"))).as(peers.dumpLogs()).isEqualTo(Content.digests(src));
        }
    }

    @Test
    void libtorrentFindsABtspeedSeederByLocalDiscovery() throws Exception {
        Peers.requireLibtorrent();
        try (Peers peers = new Peers(tmp)) {
            Path src = Content.randomFile(tmp.resolve("seed/one.bin"), 2_500_001, 22);
            Path torrent = torrent(src);
            enterNamespace(peers);
            Proc seed = peers.btspeed("btspeed-seed", "seed", torrent.toString(), "--dir", tmp.resolve("seed").toString(),
                    "--port", "0", "--no-trackers", "--lsd");
            seed.awaitLine("local discovery on .* on lo", Duration.ofSeconds(30));
            seed.awaitLine("seeding", Duration.ofSeconds(60));
            // the leecher's start-up announce reaches the seeder, which dials it
            Proc lt = peers.libtorrent("lt-leech", "leech", torrent.toString(), tmp.resolve("out"), "127.0.0.1", Peers.freePort(),
                    List.of(), List.of("--lsd", "--no-trackers"));
            lt.awaitLine("^DONE", Duration.ofSeconds(120));
            assertThat(Content.digests(tmp.resolve("out/one.bin"))).as(peers.dumpLogs()).isEqualTo(Content.digests(src));
        }
    }

    @Test
    void privateTorrentsNeverUseLocalDiscovery() throws Exception {
        try (Peers peers = new Peers(tmp)) {
            Path src = Content.randomFile(tmp.resolve("seed/p.bin"), 100_000, 23);
            Path t = tmp.resolve("private.torrent");
            assertThat(Main.run("create", src.toString(), "-o", t.toString(), "--private")).isZero();
            Proc bt = peers.btspeed("btspeed-private", "download", t.toString(), "--dir", tmp.resolve("out").toString(),
                    "--port", "0", "--no-trackers", "--lsd");
            bt.awaitLine("local discovery off: private torrent", Duration.ofSeconds(30));
            assertThat(bt.output()).doesNotContain("local discovery on");
        }
    }
}
