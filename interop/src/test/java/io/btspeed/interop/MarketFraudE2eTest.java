package io.btspeed.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.btspeed.engine.AddTorrentParams;
import io.btspeed.engine.Session;
import io.btspeed.engine.SessionConfig;
import io.btspeed.interop.harness.Content;
import io.btspeed.interop.harness.MarketCli;
import io.btspeed.interop.harness.MarketLedger;
import io.btspeed.interop.harness.Peers;
import io.btspeed.interop.harness.Proc;
import io.btspeed.ledger.crypto.KeyPair;
import io.btspeed.ledger.store.SqliteLedger;
import io.btspeed.market.pay.Pricing;
import io.btspeed.market.wire.ErrorCode;
import io.btspeed.protocol.metainfo.Metainfo;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 4, end-to-end test 2: a real btspeed seeder process sells its paid slot to a buyer that
 * pays for its first two pieces and then cheats — stops paying, forges, replays or over-spends its
 * states ({@link CheatingBuyer}, a test-only peer speaking the wire codec inside an engine
 * session). Every cheating state is refused with its error code; the seller stops sending paid
 * blocks at the exposure limit and takes the paid slot away; its ledger income is exactly the
 * honest payments; what it served unpaid is at most the limit (2 pieces at the price). The buyer
 * still finishes through the free slot, so the seller keeps serving plain BitTorrent.
 */
@Tag("e2e")
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class MarketFraudE2eTest {
    static final int PIECE = 64 * 1024;

    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(CheatingBuyer.Cheat.class)
    void aCheatingBuyerNeverTakesMoreThanTheExposureLimit(CheatingBuyer.Cheat cheat) throws Exception {
        try (Peers peers = new Peers(tmp)) {
            MarketLedger ledger = MarketLedger.create(peers, tmp, "bank", "seller");
            KeyPair cheaterKey = KeyPair.generate(new SecureRandom());
            ledger.fund(cheaterKey.address().toTron(), "1000");

            Path src = Content.randomFile(tmp.resolve("seed/fraud.bin"), 1 << 20, 13);
            Path torrent = tmp.resolve("fraud.torrent");
            peers.btspeedRun("create", "create", src.toString(), "-o", torrent.toString(), "--piece-size", "64K");
            Metainfo m = Metainfo.parse(Files.readAllBytes(torrent));

            Proc seeder = peers.btspeed("seeder", MarketScarcityE2eTest.args(List.of("seed", torrent.toString(), "--dir",
                    tmp.resolve("seed").toString(), "--port", "0", "--no-trackers", "--upload-limit", "128K",
                    "--paid-slots", "1", "--free-slots", "1", "--exposure-pieces", "2"), ledger.walletArgs("seller")));
            int seedPort = Integer.parseInt(seeder.awaitLine("listening on [0-9.]+:(\\d+)", Duration.ofSeconds(30)).group(1));
            seeder.awaitLine("seeding; ", Duration.ofSeconds(30));

            CheatingBuyer buyer;
            try (SqliteLedger l = SqliteLedger.open(ledger.file, InstantSource.system())) {
                buyer = new CheatingBuyer(cheaterKey, l, cheat, 2, Pricing.cost(CheatingBuyer.BID, 100L * PIECE));
                try (Session s = Session.start(SessionConfig.defaults())) {
                    var h = s.add(AddTorrentParams.of(m, tmp.resolve("buyer")).withTrackers(false).withExtensions(List.of(buyer))
                            .withPeers(List.of(new InetSocketAddress("127.0.0.1", seedPort))));
                    h.completion().get(90, TimeUnit.SECONDS); // the free slot serves it to the end
                    // the seller's answers to our last states are on their way: wait for them before leaving
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    while (System.nanoTime() < deadline && (buyer.acks < buyer.honestStates
                            || (cheat != CheatingBuyer.Cheat.STOP_PAYING && buyer.errors.isEmpty()))) {
                        Thread.sleep(50);
                    }
                }
            }
            assertThat(Content.sha256(tmp.resolve("buyer/fraud.bin"))).isEqualTo(Content.sha256(src));
            // the seller logs its books on the buyer when the buyer leaves
            Matcher left = seeder.awaitLine("left: owed (\\d+), paid (\\d+), unpaid (\\d+) \\(exposure limit (\\d+)\\)", Duration.ofSeconds(10));
            seeder.terminate(Duration.ofSeconds(30)); // stopping settles the channel it was paid in

            long earned = MarketCli.marketAmount(seeder.output(), false);
            long limit = Pricing.cost(buyer.maxPrice, 2L * PIECE);
            String why = cheat + ": honest " + buyer.paidHonestly + ", owed for paid data " + buyer.owedForPaidData + ", seller earned "
                    + earned + ", limit " + limit + ", errors " + buyer.errors + "\n" + seeder.tail();
            assertThat(buyer.paidHonestly).as(why).isPositive();
            assertThat(earned).as("the seller collected exactly the honest states: " + why).isEqualTo(buyer.paidHonestly);
            assertThat(ledger.settledBalance("seller")).as("what the ledger paid out: " + why).isEqualTo(earned);
            long unpaid = Long.parseLong(left.group(3)), sellerLimit = Long.parseLong(left.group(4));
            assertThat(Long.parseLong(left.group(2))).as(why).isEqualTo(earned);
            assertThat(unpaid).as("it did take paid data it did not pay for: " + why).isPositive();
            assertThat(unpaid).as("the seller lost at most the exposure limit: " + why).isLessThanOrEqualTo(sellerLimit);
            assertThat(sellerLimit).as(why).isEqualTo(limit);
            assertThat(buyer.lostSlotAfterCheating).as("it lost the paid slot: " + why).isTrue();
            switch (cheat) {
                case FORGE -> assertThat(buyer.errors).as(why).contains(ErrorCode.BAD_SIGNATURE.code());
                case REPLAY -> assertThat(buyer.errors).as(why).contains(ErrorCode.STALE_SEQUENCE.code());
                case OVER_ESCROW -> assertThat(buyer.errors).as(why).contains(ErrorCode.OVER_ESCROW.code());
                case STOP_PAYING -> assertThat(buyer.errors).as(why).isEmpty();
            }
            ledger.assertAudit();
        }
    }
}
