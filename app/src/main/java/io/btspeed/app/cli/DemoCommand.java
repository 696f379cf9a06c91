package io.btspeed.app.cli;

import io.btspeed.engine.AddTorrentParams;
import io.btspeed.engine.Session;
import io.btspeed.engine.SessionConfig;
import io.btspeed.engine.TorrentHandle;
import io.btspeed.engine.TorrentStatus;
import io.btspeed.engine.create.TorrentCreator;
import io.btspeed.protocol.metainfo.Metainfo;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", description = {
        "Generate a file, seed it and download it over loopback in one process, with a live progress",
        "bar, then check that the downloaded bytes are identical. With --market the seeder sells its",
        "upload slot and the downloader buys it, paying per verified piece on a ledger made for the demo."})
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--size", paramLabel = "BYTES", converter = SizeConverter.class,
            description = "size of the generated file (default: 256M)")
    long size = 256L << 20;

    @Option(names = "--work-dir", paramLabel = "DIR", description = "where to put the files (default: a temporary directory, removed afterwards)")
    Path workDir;

    @Option(names = "--rate", paramLabel = "RATE", converter = SizeConverter.class,
            description = "limit the seeder's upload rate, to watch the bar move (default: unlimited; 16M with --market)")
    long rate;

    /** With the market on, a transfer must outlast the seeder's first auction round (10 s) for the paid slot to matter. */
    static final long MARKET_DEFAULT_RATE = 16L << 20;

    @Option(names = "--market", description = "run the bandwidth market too: a fresh ledger and two wallets; the downloader bids"
            + " for the seeder's paid slot and pays per verified piece; prints spent, earned and the ledger audit")
    boolean market;

    @Override
    public Integer call() throws Exception {
        if (size <= 0) throw new io.btspeed.app.UserException("--size must be positive");
        if (rate < 0) throw new io.btspeed.app.UserException("--rate must not be negative");
        if (market && rate == 0) rate = MARKET_DEFAULT_RATE;
        boolean temp = workDir == null;
        Path work = temp ? Files.createTempDirectory("btspeed-demo") : Files.createDirectories(workDir);
        Progress progress = Progress.forStdout();
        try {
            Path seedDir = Files.createDirectories(work.resolve("seed"));
            Path leechDir = Files.createDirectories(work.resolve("leech"));
            Path file = seedDir.resolve("demo.bin");
            progress.message("generating " + Sizes.format(size) + " of random data in " + file);
            byte[] sourceHash = generate(file, size, progress);

            progress.message("creating the torrent");
            Metainfo metainfo = TorrentCreator.builder(file).build().create(
                    (done, total) -> progress.update(new Progress.Snapshot("hashing ", done, total, 0, -1, null)));
            progress.finish(new Progress.Snapshot("hashing ", size, size, 0, -1, null));
            Files.write(work.resolve("demo.torrent"), metainfo.toTorrentFile());

            DemoMarket m = market ? DemoMarket.create(work, metainfo.pieceLength(), progress) : null;
            try {
                boolean same = transfer(metainfo, seedDir, leechDir, work, sourceHash, m, progress);
                boolean audited = m == null || m.settleAndAudit(progress);
                return same && audited ? 0 : 1;
            } finally {
                if (m != null) m.close();
            }
        } finally {
            if (temp) deleteTree(work);
        }
    }

    /** Seeds and downloads the file in two sessions of this process; true when the bytes came out identical. */
    private boolean transfer(Metainfo metainfo, Path seedDir, Path leechDir, Path work, byte[] sourceHash, DemoMarket m,
            Progress progress) throws Exception {
        InetAddress lo = InetAddress.getLoopbackAddress();
        SessionConfig seedConfig = SessionConfig.defaults().withRateLimits(rate, 0).withStateDir(work.resolve("state-seed"));
        if (m != null) seedConfig = seedConfig.withUploadSlots(m.seller().uploadSlots());
        try (Session seeder = Session.start(seedConfig);
             Session leecher = Session.start(SessionConfig.defaults().withStateDir(work.resolve("state-leech")))) {
            AddTorrentParams seedParams = new AddTorrentParams(metainfo, null, seedDir, List.of(), Set.of(), false);
            TorrentHandle seed = seeder.add(m == null ? seedParams : m.seller().attach(seedParams));
            if (m != null) m.seller().started(seed);
            seed.completion().get(10, TimeUnit.MINUTES); // verified from disk first
            progress.message("seeder listening on " + lo.getHostAddress() + ":" + seeder.listenPort());
            AddTorrentParams getParams = new AddTorrentParams(metainfo, null, leechDir,
                    List.of(new InetSocketAddress(lo, seeder.listenPort())), Set.of(), false);
            TorrentHandle get = leecher.add(m == null ? getParams : m.buyer().attach(getParams));
            if (m != null) m.buyer().started(get);
            long t0 = System.nanoTime();
            while (!get.completion().isDone()) {
                TorrentStatus st = get.status();
                if (st.error() != null) throw new IOException("download failed: " + st.error());
                progress.update(new Progress.Snapshot("download", st.wantedDoneBytes(), st.wantedBytes(),
                        st.downloadRate(), st.peers(), m == null ? null : m.buyer().summary()));
                Thread.sleep(100);
            }
            get.completion().get();
            double secs = (System.nanoTime() - t0) / 1e9;
            TorrentStatus st = get.status();
            progress.finish(new Progress.Snapshot("download", st.wantedBytes(), st.wantedBytes(),
                    (long) (size / secs), st.peers(), m == null ? null : m.buyer().summary()));
            byte[] gotHash = sha256(leechDir.resolve("demo.bin"));
            boolean same = MessageDigest.isEqual(sourceHash, gotHash);
            progress.message(String.format(Locale.ROOT, "downloaded %s in %.2f s = %.0f MB/s; bytes identical: %s (sha256 %s)",
                    Sizes.format(size), secs, size / secs / 1e6, same ? "yes" : "NO",
                    HexFormat.of().formatHex(gotHash).substring(0, 16)));
            return same;
        }
    }

    private static byte[] generate(Path file, long size, Progress progress) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        SplittableRandom rnd = new SplittableRandom(42);
        byte[] buf = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            long done = 0;
            while (done < size) {
                int n = (int) Math.min(buf.length, size - done);
                for (int i = 0; i < n; i += 8) {
                    long v = rnd.nextLong();
                    for (int k = 0; k < 8 && i + k < n; k++) buf[i + k] = (byte) (v >>> (k * 8));
                }
                out.write(buf, 0, n);
                sha.update(buf, 0, n);
                done += n;
                progress.update(new Progress.Snapshot("generate", done, size, 0, -1, null));
            }
        }
        progress.finish(new Progress.Snapshot("generate", size, size, 0, -1, null));
        return sha.digest();
    }

    private static byte[] sha256(Path file) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] buf = new byte[1 << 20];
        try (var in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) > 0) sha.update(buf, 0, n);
        }
        return sha.digest();
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) return;
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
