package io.btspeed.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.btspeed.interop.harness.Content;
import io.btspeed.interop.harness.MarketCli;
import io.btspeed.interop.harness.MarketLedger;
import io.btspeed.interop.harness.Peers;
import io.btspeed.interop.harness.Proc;
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
 * Seeding keeps paying after one's own download is done, real processes on 127.0.0.1: a peer
 * downloads a torrent with {@code --seed} and a wallet, finishes, and stays; the original seeder
 * leaves; much later (as far as the peer can tell: it is complete and nobody else is there) a
 * bidder arrives that can only get the data from that peer. The peer sells it a paid slot, the
 * bidder pays per piece, and when the peer stops, the ledger pays it exactly what the bidder
 * spent; the audit passes.
 */
@Tag("e2e")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class MarketLongSeederE2eTest {
    @TempDir
    Path tmp;

    @Test
    void aPeerThatFinishedLongAgoKeepsEarningFromABidder() throws Exception {
        try (Peers peers = new Peers(tmp)) {
            MarketLedger ledger = MarketLedger.create(peers, tmp, "bank", "veteran", "buyer");
            ledger.fund(ledger.address("buyer"), "50");

            Path src = Content.randomFile(tmp.resolve("origin/album.bin"), 3L << 20, 33);
            Path torrent = tmp.resolve("album.torrent");
            peers.btspeedRun("create", "create", src.toString(), "-o", torrent.toString(), "--piece-size", "64K");

            int originPort = Peers.freePort();
            Proc origin = peers.btspeed("origin", "seed", torrent.toString(), "--dir", tmp.resolve("origin").toString(),
                    "--port", String.valueOf(originPort), "--no-trackers");
            origin.awaitLine("^seeding; ", Duration.ofSeconds(60));
            // the veteran downloads, then keeps seeding with a wallet, selling one paid slot
            Proc vet = peers.btspeed("veteran", MarketScarcityE2eTest.args(List.of("download", torrent.toString(),
                    "--dir", tmp.resolve("vet").toString(),
                    "--port", "0", "--no-trackers", "--seed", "--peer", "127.0.0.1:" + originPort,
                    "--spend", "off", "--paid-slots", "1", "--free-slots", "1",
                    "--upload-limit", "256K"), ledger.walletArgs("veteran"))); // a home uplink: the bidder's download takes seconds, long enough to bid
            // its port from its own log: a port picked free beforehand can be taken by the origin's outgoing connections meanwhile
            int veteranPort = Integer.parseInt(vet.awaitLine("^listening on [^ ]*:([0-9]+)$", Duration.ofSeconds(60)).group(1));
            vet.awaitLine("^complete: ", Duration.ofSeconds(90));
            origin.terminate(Duration.ofSeconds(10)); // the only copy left is the veteran's
            Thread.sleep(1000);

            Proc bidder = peers.btspeed("bidder", MarketScarcityE2eTest.args(List.of("download", torrent.toString(),
                    "--dir", tmp.resolve("new").toString(), "--port", "0", "--no-trackers", "--peer", "127.0.0.1:" + veteranPort,
                    "--budget", "3"), ledger.walletArgs("buyer")));
            assertThat(bidder.awaitExit(Duration.ofSeconds(90))).as(bidder.tail()).isZero();
            assertThat(Content.sha256(tmp.resolve("new/album.bin"))).isEqualTo(Content.sha256(src));

            vet.terminate(Duration.ofSeconds(30)); // stopping settles the channel it was paid in
            long spent = MarketCli.marketAmount(bidder.output(), true), earned = MarketCli.marketAmount(vet.output(), false);
            assertThat(spent).as("the bidder paid the veteran\n" + bidder.tail()).isPositive();
            assertThat(earned).as(vet.tail()).isEqualTo(spent);
            assertThat(ledger.settledBalance("veteran")).isEqualTo(earned);
            assertThat(ledger.settledBalance("buyer")).isEqualTo(50_000_000L - spent);
            ledger.assertAudit();
        }
    }

}
