package io.btspeed.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.btspeed.interop.harness.Content;
import io.btspeed.interop.harness.MarketCli;
import io.btspeed.interop.harness.MarketLedger;
import io.btspeed.interop.harness.Peers;
import io.btspeed.interop.harness.Proc;
import io.btspeed.interop.harness.Transmission;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The market where upload is scarce, all real processes on 127.0.0.1: a btspeed seeder selling 1
 * paid slot next to 1 free slot at a limited upload rate; three leechers start together — a
 * btspeed bidder, a btspeed market peer that does not bid, and a Transmission daemon (a plain
 * peer). The leechers upload slowly too, as home connections do, so the seeder is the bottleneck.
 * The bidder finishes first, everybody gets identical bytes, and what the bidder spent, what the
 * seeder earned and what the ledger moved are the same amount; the ledger audit passes.
 */
@Tag("e2e")
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class MarketScarcityE2eTest {
    @TempDir
    Path tmp;

    @Test
    void theBidderFinishesFirstAndEveryTokenIsAccountedFor() throws Exception {
        try (Peers peers = new Peers(tmp)) {
          try {
            MarketLedger ledger = MarketLedger.create(peers, tmp, "bank", "seller", "buyer", "idle");
            ledger.fund(ledger.address("buyer"), "100");

            Path src = Content.randomFile(tmp.resolve("seed/film.bin"), 6L << 20, 21);
            Path torrent = tmp.resolve("film.torrent");
            String created = peers.btspeedRun("create", "create", src.toString(), "-o", torrent.toString(), "--piece-size", "128K");
            Matcher ih = Pattern.compile("info-hash ([0-9a-f]{40})").matcher(created);
            assertThat(ih.find()).as(created).isTrue();
            String memo = ih.group(1);

            Transmission tx = Transmission.start(peers, "tx-leech", tmp.resolve("out-tx"), 128);
            tx.add(torrent, tmp.resolve("out-tx")); // it has no peer until the seeder dials it
            int seedPort = Peers.freePort();
            Proc seeder = peers.btspeed("seeder", args(List.of("seed", torrent.toString(), "--dir", tmp.resolve("seed").toString(),
                    "--port", String.valueOf(seedPort), "--no-trackers", "--upload-limit", "768K",
                    "--paid-slots", "1", "--free-slots", "1", "--peer", "127.0.0.1:" + tx.peerPort), ledger.walletArgs("seller")));
            seeder.awaitLine("^seeding; ", Duration.ofSeconds(60));

            long t0 = System.nanoTime();
            String seed = "127.0.0.1:" + seedPort, txPeer = "127.0.0.1:" + tx.peerPort;
            Proc bidder = peers.btspeed("bidder", args(List.of("download", torrent.toString(), "--dir", tmp.resolve("out-bid").toString(),
                    "--port", "0", "--no-trackers", "--upload-limit", "128K", "--peer", seed, "--peer", txPeer,
                    "--budget", "6"), ledger.walletArgs("buyer")));
            Proc plain = peers.btspeed("nonbidder", args(List.of("download", torrent.toString(), "--dir", tmp.resolve("out-free").toString(),
                    "--port", "0", "--no-trackers", "--upload-limit", "128K", "--peer", seed, "--peer", txPeer,
                    "--spend", "off", "--paid-slots", "0"), ledger.walletArgs("idle"))); // a market peer that neither buys nor sells

            // all three are watched at once: each time is when that leecher was first seen done
            double bidderSecs = -1, plainSecs = -1, txSecs = -1;
            long deadline = t0 + TimeUnit.SECONDS.toNanos(150);
            while ((bidderSecs < 0 || plainSecs < 0 || txSecs < 0) && System.nanoTime() < deadline) {
                double now = (System.nanoTime() - t0) / 1e9;
                if (bidderSecs < 0 && !bidder.isAlive()) bidderSecs = now;
                if (plainSecs < 0 && !plain.isAlive()) plainSecs = now;
                if (txSecs < 0 && tx.percentDone().equals("100%")) txSecs = now;
                Thread.sleep(100);
            }
            assertThat(bidder.awaitExit(Duration.ofSeconds(5))).as(bidder.tail()).isZero();
            assertThat(plain.awaitExit(Duration.ofSeconds(5))).as(plain.tail()).isZero();
            assertThat(txSecs).as("Transmission completes\n" + peers.dumpLogs()).isPositive();
            System.out.printf("market scarcity: bidder %.1f s, btspeed non-bidder %.1f s, Transmission %.1f s%n", bidderSecs, plainSecs, txSecs);

            String digest = Content.sha256(src);
            assertThat(Content.sha256(tmp.resolve("out-bid/film.bin"))).isEqualTo(digest);
            assertThat(Content.sha256(tmp.resolve("out-free/film.bin"))).isEqualTo(digest);
            assertThat(Content.sha256(tmp.resolve("out-tx/film.bin"))).isEqualTo(digest);
            assertThat(bidderSecs).as("the bidder finishes before the btspeed non-bidder\n" + peers.dumpLogs()).isLessThan(plainSecs);
            assertThat(bidderSecs).as("the bidder finishes before Transmission").isLessThan(txSecs);

            // stopping the seeder settles its channels on the ledger
            seeder.terminate(Duration.ofSeconds(30));
            long spent = MarketCli.marketAmount(bidder.output(), true), earned = MarketCli.marketAmount(seeder.output(), false);
            assertThat(spent).as("the bidder paid for pieces\n" + bidder.tail()).isPositive();
            assertThat(earned).as(seeder.tail()).isEqualTo(spent);

            JsonNode sellerHistory = ledger.history("seller"), buyerHistory = ledger.history("buyer");
            assertThat(sellerHistory.at("/byMemo/" + memo + "/earned").asLong()).as(sellerHistory.toPrettyString()).isEqualTo(earned);
            assertThat(buyerHistory.at("/byMemo/" + memo + "/spent").asLong()).as(buyerHistory.toPrettyString()).isEqualTo(spent);
            assertThat(ledger.settledBalance("seller")).isEqualTo(earned);
            assertThat(ledger.settledBalance("buyer")).isEqualTo(100_000_000L - spent);
            ledger.assertAudit();
          } finally {
            if (System.getProperty("keepLogs") != null) {
                new ProcessBuilder("cp", "-r", tmp.resolve("logs").toString(), System.getProperty("keepLogs")).start().waitFor();
            }
          }
        }
    }

    static String[] args(List<String> command, List<String> wallet) {
        List<String> all = new java.util.ArrayList<>(command);
        all.addAll(wallet);
        return all.toArray(String[]::new);
    }
}
