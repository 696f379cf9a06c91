package io.btspeed.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.btspeed.app.Main;
import io.btspeed.engine.AddTorrentParams;
import io.btspeed.engine.Session;
import io.btspeed.engine.SessionConfig;
import io.btspeed.protocol.metainfo.Metainfo;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The download command's options and its user errors: one line on stderr and a non-zero exit. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class DownloadCommandTest {
    @TempDir
    Path tmp;

    private record Result(int exit, String err) {}

    private static synchronized Result cli(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream old = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            return new Result(Main.run(args), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(old);
        }
    }

    private Path source(int size) throws Exception {
        Path data = tmp.resolve("seed").resolve("payload.bin");
        Files.createDirectories(data.getParent());
        byte[] bytes = new byte[size];
        new Random(7).nextBytes(bytes);
        Files.write(data, bytes);
        return data;
    }

    private Path torrentOf(Path data) {
        Path torrent = tmp.resolve("payload.torrent");
        assertThat(cli("create", data.toString(), "-o", torrent.toString()).exit()).isZero();
        return torrent;
    }

    private static void assertOneLineError(Result r, String expected) {
        assertThat(r.exit()).as(r.err()).isNotZero();
        assertThat(r.err().strip().lines()).as(r.err()).hasSize(1);
        assertThat(r.err()).startsWith("btspeed: error: ").contains(expected);
    }

    @Test
    void downloadLimitIsParsedAsARateAndReachesTheSession() {
        DownloadCommand cmd = CommandLine.populateCommand(new DownloadCommand(),
                "x.torrent", "--dir", tmp.toString(), "--download-limit", "3M", "--upload-limit", "200K");
        SessionConfig config = new TorrentRun(cmd.net, cmd.downloadLimit).config(tmp);
        assertThat(config.downloadLimitBytesPerSec()).isEqualTo(3L << 20);
        assertThat(config.uploadLimitBytesPerSec()).isEqualTo(200L << 10);
    }

    @Test
    void diskWritesAreDirectByDefaultAndCachedOnRequest() {
        DownloadCommand byDefault = CommandLine.populateCommand(new DownloadCommand(), "x.torrent", "--dir", tmp.toString());
        DownloadCommand cached = CommandLine.populateCommand(new DownloadCommand(), "x.torrent", "--dir", tmp.toString(),
                "--disk-writes", "cached");
        assertThat(new TorrentRun(byDefault.net, 0, null, byDefault.directWrites(), java.util.Set.of()).config(tmp).directWrites()).isTrue();
        assertThat(new TorrentRun(cached.net, 0, null, cached.directWrites(), java.util.Set.of()).config(tmp).directWrites()).isFalse();
    }

    @Test
    void anUnknownDiskWriteModeIsAOneLineError() {
        assertOneLineError(cli("download", "x.torrent", "--dir", tmp.toString(), "--disk-writes", "fast"),
                "--disk-writes must be direct or cached");
    }

    @Test
    void downloadsWithADownloadLimitFromADirectPeerAndTheBytesMatch() throws Exception {
        Path data = source(600_000);
        Path torrent = torrentOf(data);
        Metainfo meta = Metainfo.parse(Files.readAllBytes(torrent));
        SessionConfig seedConfig = SessionConfig.defaults().withBindAddress(InetAddress.getLoopbackAddress())
                .withListenPort(0).withStateDir(tmp.resolve("seed-state"));
        try (Session seeder = Session.start(seedConfig)) {
            seeder.add(new AddTorrentParams(meta, null, data.getParent(), List.of(), Set.of(), false))
                    .completion().get(30, TimeUnit.SECONDS);
            Path out = tmp.resolve("out");
            Result r = cli("download", torrent.toString(), "--dir", out.toString(), "--port", "0", "--bind", "127.0.0.1",
                    "--no-trackers", "--no-lsd", "--download-limit", "4M",
                    "--peer", "127.0.0.1:" + seeder.listenPort());
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(sha256(out.resolve("payload.bin"))).isEqualTo(sha256(data));
        }
    }

    @Test
    void onlyTheChosenFilesAreDownloadedAndTheRunEndsWhenTheyAre() throws Exception {
        // three files of 100,000 bytes in 32 KiB pieces: file 1 shares its first and last piece with its neighbours
        Path tree = tmp.resolve("seed").resolve("tree");
        Files.createDirectories(tree);
        Random r = new Random(3);
        for (String name : List.of("a.bin", "b.bin", "c.bin")) {
            byte[] b = new byte[100_000];
            r.nextBytes(b);
            Files.write(tree.resolve(name), b);
        }
        Path torrent = tmp.resolve("tree.torrent");
        assertThat(cli("create", tree.toString(), "-o", torrent.toString(), "--piece-size", "32K").exit()).isZero();
        Metainfo meta = Metainfo.parse(Files.readAllBytes(torrent));
        try (Session seeder = Session.start(SessionConfig.defaults().withStateDir(tmp.resolve("seed-state")))) {
            seeder.add(new AddTorrentParams(meta, null, tree.getParent(), List.of(), Set.of(), false))
                    .completion().get(30, TimeUnit.SECONDS);
            Path out = tmp.resolve("out");
            Result res = cli("download", torrent.toString(), "--dir", out.toString(), "--port", "0", "--bind", "127.0.0.1",
                    "--no-trackers", "--no-lsd", "--files", "1", "--peer", "127.0.0.1:" + seeder.listenPort());
            assertThat(res.exit()).as(res.err()).isZero();
            assertThat(sha256(out.resolve("tree/b.bin"))).isEqualTo(sha256(tree.resolve("b.bin")));
            // pieces wholly inside the other files were never fetched (a shared piece may create their edges)
            assertThat(Files.exists(out.resolve("tree/c.bin")) ? Files.size(out.resolve("tree/c.bin")) : 0L).isLessThan(100_000);
        }
    }

    @Test
    void aBadFileListIsAOneLineError() throws Exception {
        Path torrent = torrentOf(source(20_000));
        assertOneLineError(cli("download", torrent.toString(), "--dir", tmp.resolve("o").toString(), "--files", "0,3"),
                "there is no file 3: this torrent has 1 file (0)");
        assertOneLineError(cli("download", torrent.toString(), "--dir", tmp.resolve("o").toString(), "--files", "x"),
                "'x' in 'x' is not a file number");
        assertOneLineError(cli("download", torrent.toString(), "--dir", tmp.resolve("o").toString(), "--files", "2-1"),
                "range 2-1 runs backwards");
    }

    @Test
    void missingTorrentFile() {
        assertOneLineError(cli("download", tmp.resolve("nope.torrent").toString(), "--dir", tmp.toString()), "no such file");
    }

    @Test
    void badTorrentFile() throws Exception {
        Path bad = Files.writeString(tmp.resolve("bad.torrent"), "d8:announce3:foo");
        assertOneLineError(cli("download", bad.toString(), "--dir", tmp.toString()), "not a valid torrent file");
    }

    @Test
    void bindAddressThatIsNotAnIp() throws Exception {
        Path torrent = torrentOf(source(20_000));
        assertOneLineError(cli("download", torrent.toString(), "--dir", tmp.resolve("o").toString(), "--bind", "not-an-ip",
                "--no-trackers", "--no-lsd"), "is not an IP address");
    }

    @Test
    void bindAddressThisMachineDoesNotHave() throws Exception {
        Path torrent = torrentOf(source(20_000));
        // 192.0.2.0/24 is TEST-NET-1 (RFC 5737): never assigned to a real interface
        assertOneLineError(cli("seed", torrent.toString(), "--dir", tmp.resolve("o").toString(), "--bind", "192.0.2.77",
                "--no-trackers", "--no-lsd"), "not an address of this machine");
    }

    @Test
    void portInUse() throws Exception {
        Path torrent = torrentOf(source(20_000));
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            assertOneLineError(cli("download", torrent.toString(), "--dir", tmp.resolve("o").toString(), "--bind", "127.0.0.1",
                    "--port", String.valueOf(taken.getLocalPort()), "--no-trackers", "--no-lsd"), "already in use");
        }
    }

    private static String sha256(Path p) throws Exception {
        return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
    }
}
