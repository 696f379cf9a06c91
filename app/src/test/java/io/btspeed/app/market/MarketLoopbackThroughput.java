package io.btspeed.app.market;

import io.btspeed.core.choke.TitForTatPolicy;
import io.btspeed.engine.AddTorrentParams;
import io.btspeed.engine.Session;
import io.btspeed.engine.SessionConfig;
import io.btspeed.engine.TorrentHandle;
import io.btspeed.engine.create.TorrentCreator;
import io.btspeed.ledger.TokenInfo;
import io.btspeed.ledger.crypto.KeyPair;
import io.btspeed.ledger.op.Transfer;
import io.btspeed.ledger.store.SqliteLedger;
import io.btspeed.market.auction.ClearingRule;
import io.btspeed.market.policy.Autobid;
import io.btspeed.market.policy.MarketSlotPolicy;
import io.btspeed.protocol.metainfo.Metainfo;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Not a test: the market's cost in throughput with warm JVMs. One process holds a plain seeder, a
 * market seeder (1 paid slot) on the same data and a shared SQLite ledger; each round a fresh
 * leecher session downloads from one of them, plain or as a bidder paying per verified piece,
 * alternating. The first rounds warm the JIT up and are left out of the summary, so what remains
 * is what a long-running client pays for the market (bench/market-overhead.sh measures fresh CLI
 * processes, JIT warm-up included).
 *
 * <p>Run: {@code bench/market-warm.sh [MiB=1024] [rounds=10] [warm-up rounds=2]}
 */
public final class MarketLoopbackThroughput {
    public static void main(String[] args) throws Exception {
        int mib = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        Path dir = Files.createTempDirectory(Path.of(System.getProperty("bench.dir", "/var/tmp")), "btspeed-market-warm");
        try {
            run(dir, mib, rounds, warmup);
        } finally {
            deleteTree(dir);
        }
    }

    private static void run(Path dir, int mib, int rounds, int warmup) throws Exception {
        Path seedDir = Files.createDirectories(dir.resolve("seed"));
        Path file = seedDir.resolve("payload.bin");
        writeRandom(file, (long) mib << 20);
        Metainfo m = TorrentCreator.builder(file).build().create();
        System.out.printf("%d MiB in %d pieces of %d KiB%n", mib, m.pieceCount(), m.pieceLength() >> 10);

        KeyPair bank = KeyPair.fromPrivateKey(BigInteger.valueOf(11)), buyer = KeyPair.fromPrivateKey(BigInteger.valueOf(12)),
                seller = KeyPair.fromPrivateKey(BigInteger.valueOf(13));
        TokenInfo token = new TokenInfo("BTT", 6, 1_000_000_000_000_000L);
        int exposure = MarketOptions.defaultExposurePieces(m.pieceLength());
        String memo = m.infoHash().hex();
        try (SqliteLedger ledger = SqliteLedger.create(dir.resolve("ledger.db"), token, bank.address(), InstantSource.system())) {
            ledger.transfer(new Transfer(bank.address(), buyer.address(), 1_000_000_000_000L, 0, "").sign(bank));
            MarketSlotPolicy policy = new MarketSlotPolicy(1, ClearingRule.LOWEST_WINNING, 0, new TitForTatPolicy(new Random(1)));
            MarketExtension sell = new MarketExtension(seller, ledger,
                    new MarketExtension.Config("bench-ledger", policy, exposure, false, 0, Autobid.DEFAULT, 3_600_000L * 24),
                    m.pieceLength(), () -> 0, memo);
            List<Double> off = new ArrayList<>(), on = new ArrayList<>();
            try (Session plainSeed = Session.start(SessionConfig.defaults());
                 Session marketSeed = Session.start(SessionConfig.defaults().withUploadSlots(3))) {
                plainSeed.add(AddTorrentParams.of(m, seedDir).withTrackers(false)).completion().get(300, TimeUnit.SECONDS);
                marketSeed.add(AddTorrentParams.of(m, seedDir).withTrackers(false).withSlotPolicy(policy).withExtensions(List.of(sell)))
                        .completion().get(300, TimeUnit.SECONDS);
                for (int round = 1; round <= rounds; round++) {
                    // alternate, and swap the order every pair, so drift falls on both alike
                    boolean market = (round % 2 == 1) == ((round - 1) / 2 % 2 == 0);
                    Path target = dir.resolve("leech-" + round);
                    double secs = market ? downloadBuying(m, target, marketSeed, buyer, ledger, memo)
                            : download(m, target, plainSeed);
                    double mbps = ((long) mib << 20) / secs / 1e6;
                    boolean counted = round > warmup;
                    System.out.printf("round %2d  market %-3s  %6.2f s  %7.1f MB/s%s%n", round, market ? "on" : "off", secs, mbps,
                            counted ? "" : "  (warm-up)");
                    if (counted) (market ? on : off).add(mbps);
                    deleteTree(target);
                }
            }
            sell.close();
            System.out.printf("seller earned %d base units; ledger audit %s%n", sell.earned(), ledger.audit().ok() ? "ok" : ledger.audit().problems());
            if (!off.isEmpty() && !on.isEmpty()) {
                double mo = mean(off), mn = mean(on), dOff = median(off), dOn = median(on);
                System.out.printf("market off: mean %.1f MB/s, median %.1f MB/s (%d rounds)%n", mo, dOff, off.size());
                System.out.printf("market on:  mean %.1f MB/s, median %.1f MB/s (%d rounds)%n", mn, dOn, on.size());
                System.out.printf("ratio on/off: means %.3f, medians %.3f%n", mn / mo, dOn / dOff);
            }
        }
    }

    private static double download(Metainfo m, Path target, Session seed) throws Exception {
        long t0 = System.nanoTime();
        try (Session leecher = Session.start(SessionConfig.defaults())) {
            leecher.add(AddTorrentParams.of(m, target).withTrackers(false).withPeers(List.of(local(seed))))
                    .completion().get(600, TimeUnit.SECONDS);
            return (System.nanoTime() - t0) / 1e9;
        }
    }

    private static double downloadBuying(Metainfo m, Path target, Session seed, KeyPair buyer, SqliteLedger ledger, String memo)
            throws Exception {
        TorrentHandle[] handle = new TorrentHandle[1];
        MarketExtension buy = new MarketExtension(buyer, ledger,
                new MarketExtension.Config("bench-ledger", null, 2, true, Long.MAX_VALUE, Autobid.DEFAULT, 3_600_000L * 24),
                m.pieceLength(), () -> handle[0] == null ? m.totalLength()
                        : handle[0].status().wantedBytes() - handle[0].status().wantedDoneBytes(), memo);
        long t0 = System.nanoTime();
        double secs;
        try (Session leecher = Session.start(SessionConfig.defaults())) {
            handle[0] = leecher.add(AddTorrentParams.of(m, target).withTrackers(false).withExtensions(List.of(buy))
                    .withPeers(List.of(local(seed))));
            handle[0].completion().get(600, TimeUnit.SECONDS);
            secs = (System.nanoTime() - t0) / 1e9;
        }
        buy.close();
        if (buy.spent() <= 0) throw new IllegalStateException("market round: the leecher paid nothing");
        return secs;
    }

    private static InetSocketAddress local(Session s) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), s.listenPort());
    }

    private static void writeRandom(Path file, long size) throws IOException {
        Random r = new Random(42);
        byte[] buf = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long done = 0; done < size; done += buf.length) {
                r.nextBytes(buf);
                out.write(buf, 0, (int) Math.min(buf.length, size - done));
            }
        }
    }

    private static double mean(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    }

    private static double median(List<Double> v) {
        List<Double> s = v.stream().sorted().toList();
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> w = Files.walk(p)) {
            for (Path q : w.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
        }
    }
}
