package io.btspeed.engine;

import io.btspeed.protocol.metainfo.Metainfo;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Not a test: prints the MB/s of one loopback transfer between two sessions, for tuning.
 * Run: java -cp <test classpath> io.btspeed.engine.LoopbackThroughput [MiB] [pieceKiB]
 */
public final class LoopbackThroughput {
    public static void main(String[] args) throws Exception {
        int mib = args.length > 0 ? Integer.parseInt(args[0]) : 256;
        int pieceKiB = args.length > 1 ? Integer.parseInt(args[1]) : 256;
        Path dir = Files.createTempDirectory("bt-throughput");
        Path seedDir = dir.resolve("seed"), leechDir = dir.resolve("leech");
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        Metainfo m = TestTorrents.singleFileStreamed(seedDir, "big.bin", (long) mib << 20, pieceKiB * 1024, 42);
        try (Session seeder = Session.start(SessionConfig.defaults())) {
            seeder.add(AddTorrentParams.of(m, seedDir).withTrackers(false)).completion().get(120, TimeUnit.SECONDS);
            for (int round = 1; round <= rounds; round++) {
                Path target = leechDir.resolve("round" + round);
                long t0 = System.nanoTime();
                try (Session leecher = Session.start(SessionConfig.defaults())) {
                    TorrentHandle l = leecher.add(AddTorrentParams.of(m, target).withTrackers(false)
                            .withPeers(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), seeder.listenPort()))));
                    l.completion().get(600, TimeUnit.SECONDS);
                }
                double s = (System.nanoTime() - t0) / 1e9;
                System.out.printf("round %d: %d MiB in %.2f s = %.1f MB/s%n", round, mib, s, (mib * 1048576.0) / s / 1e6);
                // Free the page cache of this round so the next one writes into recycled memory, not fresh pages.
                try (var w = Files.walk(target)) {
                    w.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        } finally {
            try (var w = Files.walk(dir)) {
                w.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
