package io.btspeed.app.market;

import static org.assertj.core.api.Assertions.assertThat;

import io.btspeed.core.choke.TitForTatPolicy;
import io.btspeed.engine.AddTorrentParams;
import io.btspeed.engine.Session;
import io.btspeed.engine.SessionConfig;
import io.btspeed.engine.TorrentHandle;
import io.btspeed.engine.create.TorrentCreator;
import io.btspeed.engine.torrent.Timeouts;
import io.btspeed.ledger.AuditReport;
import io.btspeed.ledger.ChannelInfo;
import io.btspeed.ledger.HistoryEntry;
import io.btspeed.ledger.TokenInfo;
import io.btspeed.ledger.crypto.KeyPair;
import io.btspeed.ledger.op.Transfer;
import io.btspeed.ledger.store.SqliteLedger;
import io.btspeed.market.auction.ClearingRule;
import io.btspeed.market.policy.Autobid;
import io.btspeed.market.policy.MarketSlotPolicy;
import io.btspeed.protocol.metainfo.Metainfo;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bidding leecher and a selling seeder in two sessions over 127.0.0.1 sharing one ledger file:
 * the leecher wins the paid slot, opens a channel, pays per verified piece; the seeder closes the
 * channel with the best state. Spent = earned = what the ledger moved, and the audit passes.
 */
class MarketExtensionTest {
    @TempDir
    Path tmp;

    @Test
    @Timeout(120)
    void aBidderPaysTheSellerPerVerifiedPieceAndTheLedgerAgrees() throws Exception {
        Path seedDir = tmp.resolve("seed"), leechDir = tmp.resolve("leech");
        Files.createDirectories(seedDir);
        byte[] data = new byte[12 << 20];
        new Random(5).nextBytes(data);
        Path file = Files.write(seedDir.resolve("paid.bin"), data);
        Metainfo m = TorrentCreator.builder(file).pieceLength(256 * 1024).build().create();

        KeyPair bank = KeyPair.fromPrivateKey(BigInteger.valueOf(1)), buyer = KeyPair.fromPrivateKey(BigInteger.valueOf(2)),
                seller = KeyPair.fromPrivateKey(BigInteger.valueOf(3));
        TokenInfo token = new TokenInfo("BTT", 6, 1_000_000_000_000L);
        try (SqliteLedger ledger = SqliteLedger.create(tmp.resolve("ledger.db"), token, bank.address(), InstantSource.system())) {
            ledger.transfer(new Transfer(bank.address(), buyer.address(), 100_000_000L, 0, "").sign(bank));
            long sellerBefore = ledger.balance(seller.address());

            MarketSlotPolicy policy = new MarketSlotPolicy(1, ClearingRule.LOWEST_WINNING, 0, new TitForTatPolicy(new Random(1)));
            String memo = m.infoHash().hex();
            MarketExtension sell = new MarketExtension(seller, ledger,
                    new MarketExtension.Config("test-ledger", policy, 2, false, 0, Autobid.DEFAULT, 3_600_000L * 24),
                    m.pieceLength(), () -> 0, memo);
            try (Session seeder = Session.start(SessionConfig.defaults().withUploadSlots(1).withRateLimits(1 << 20, 0),
                         Timeouts.DEFAULT.withChokeInterval(java.time.Duration.ofSeconds(2)));
                 Session leecher = Session.start(SessionConfig.defaults())) {
                seeder.add(AddTorrentParams.of(m, seedDir).withTrackers(false).withSlotPolicy(policy).withExtensions(List.of(sell)))
                        .completion().get(30, TimeUnit.SECONDS);
                TorrentHandle[] handle = new TorrentHandle[1];
                MarketExtension buy = new MarketExtension(buyer, ledger,
                        new MarketExtension.Config("test-ledger", null, 2, true, 50_000_000L, Autobid.DEFAULT, 3_600_000L * 24),
                        m.pieceLength(), () -> handle[0] == null ? m.totalLength()
                                : handle[0].status().wantedBytes() - handle[0].status().wantedDoneBytes(), memo);
                handle[0] = leecher.add(AddTorrentParams.of(m, leechDir).withTrackers(false).withExtensions(List.of(buy))
                        .withPeers(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), seeder.listenPort()))));
                handle[0].completion().get(90, TimeUnit.SECONDS);
                assertThat(Files.readAllBytes(leechDir.resolve("paid.bin"))).isEqualTo(data);
                // the last payment states are in flight when the download completes: wait for them
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                while (sell.earned() != buy.spent() && System.nanoTime() < deadline) Thread.sleep(50);
                buy.close();
                assertThat(buy.spent()).as("the bidder paid for pieces").isPositive();
                assertThat(sell.earned()).isEqualTo(buy.spent());
            }
            sell.close(); // closes the channel on the ledger with the best state
            long payout = ledger.balance(seller.address()) - sellerBefore;
            assertThat(payout).isEqualTo(sell.earned());
            assertThat(ledger.openChannels(buyer.address())).isEmpty();
            List<HistoryEntry> h = ledger.history(seller.address(), 10);
            assertThat(h).allMatch(e -> e.kind() == HistoryEntry.Kind.CHANNEL_PAYOUT && e.memo().equals(memo));
            assertThat(ledger.balance(buyer.address())).isEqualTo(100_000_000L - payout);
            AuditReport r = ledger.audit();
            assertThat(r.ok()).as(r.problems().toString()).isTrue();
        }
    }

    /**
     * A seller that stays connected to a buyer who completed settles the buyer's channel then (spec §5.4), not
     * when the connection ends. The seller has only the first file of two (it selected that one), so it is no
     * seed and the complete buyer keeps its connection; a plain origin seed supplies the second file.
     */
    @Test
    @Timeout(120)
    void aSellerSettlesTheChannelOfABuyerThatCompletedWhileStillConnected() throws Exception {
        Path origin = tmp.resolve("origin/pack"), sellerDir = tmp.resolve("seller"), buyerDir = tmp.resolve("buyer");
        Files.createDirectories(origin);
        Random rnd = new Random(9);
        byte[] a = new byte[8 << 20], b = new byte[100_000];
        rnd.nextBytes(a);
        rnd.nextBytes(b);
        Files.write(origin.resolve("a.bin"), a);
        Files.write(origin.resolve("b.bin"), b);
        Metainfo m = TorrentCreator.builder(origin).pieceLength(256 * 1024).build().create();
        assertThat(m.files().getFirst().path()).containsExactly("a.bin");
        Files.createDirectories(sellerDir.resolve("pack"));
        Files.write(sellerDir.resolve("pack/a.bin"), a);

        KeyPair bank = KeyPair.fromPrivateKey(BigInteger.valueOf(1)), buyer = KeyPair.fromPrivateKey(BigInteger.valueOf(2)),
                seller = KeyPair.fromPrivateKey(BigInteger.valueOf(3));
        TokenInfo token = new TokenInfo("BTT", 6, 1_000_000_000_000L);
        try (SqliteLedger ledger = SqliteLedger.create(tmp.resolve("ledger.db"), token, bank.address(), InstantSource.system())) {
            ledger.transfer(new Transfer(bank.address(), buyer.address(), 100_000_000L, 0, "").sign(bank));
            MarketSlotPolicy policy = new MarketSlotPolicy(1, ClearingRule.LOWEST_WINNING, 0, new TitForTatPolicy(new Random(1)));
            String memo = m.infoHash().hex();
            MarketExtension sell = new MarketExtension(seller, ledger,
                    new MarketExtension.Config("test-ledger", policy, 2, false, 0, Autobid.DEFAULT, 3_600_000L * 24),
                    m.pieceLength(), () -> 0, memo);
            // the origin is slow, so most of the first file comes from the seller's paid slot; the seller's limit makes
            // the transfer last long enough for the buyer to bid and win it
            try (Session originSession = Session.start(SessionConfig.defaults().withRateLimits(256 * 1024, 0));
                 Session sellerSession = Session.start(SessionConfig.defaults().withUploadSlots(1).withRateLimits(1 << 20, 0),
                         Timeouts.DEFAULT.withChokeInterval(java.time.Duration.ofSeconds(2)));
                 Session buyerSession = Session.start(SessionConfig.defaults())) {
                originSession.add(AddTorrentParams.of(m, origin.getParent()).withTrackers(false)).completion().get(30, TimeUnit.SECONDS);
                sellerSession.add(AddTorrentParams.of(m, sellerDir).withTrackers(false).withSelectedFiles(java.util.Set.of(0))
                        .withSlotPolicy(policy).withExtensions(List.of(sell))).completion().get(30, TimeUnit.SECONDS);
                assertThat(sellerSession.torrents().getFirst().status().wantedDoneBytes()).as("the seller has the first file")
                        .isEqualTo(a.length);
                TorrentHandle[] handle = new TorrentHandle[1];
                MarketExtension buy = new MarketExtension(buyer, ledger,
                        new MarketExtension.Config("test-ledger", null, 2, true, 50_000_000L, Autobid.DEFAULT, 3_600_000L * 24),
                        m.pieceLength(), () -> handle[0] == null ? m.totalLength()
                                : handle[0].status().wantedBytes() - handle[0].status().wantedDoneBytes(), memo);
                handle[0] = buyerSession.add(AddTorrentParams.of(m, buyerDir).withTrackers(false).withExtensions(List.of(buy))
                        .withPeers(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), sellerSession.listenPort()),
                                new InetSocketAddress(InetAddress.getLoopbackAddress(), originSession.listenPort()))));
                handle[0].completion().get(90, TimeUnit.SECONDS);
                assertThat(Files.readAllBytes(buyerDir.resolve("pack/a.bin"))).isEqualTo(a);
                assertThat(Files.readAllBytes(buyerDir.resolve("pack/b.bin"))).isEqualTo(b);

                // every session still runs: the channel closes because the buyer completed
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
                while (!ledger.openChannels(buyer.address()).isEmpty() && System.nanoTime() < deadline) Thread.sleep(100);
                assertThat(ledger.openChannels(buyer.address())).as("settled while connected").isEmpty();
                assertThat(sellerSession.torrents().getFirst().status().peers()).as("the buyer is still connected").isPositive();
                assertThat(buy.spent()).as("the buyer paid the seller").isPositive();
                assertThat(sell.earned()).isEqualTo(buy.spent());
                assertThat(ledger.balance(seller.address())).isEqualTo(sell.earned());
                buy.close();
            }
            sell.close();
            assertThat(ledger.balance(buyer.address())).isEqualTo(100_000_000L - ledger.balance(seller.address()));
            AuditReport r = ledger.audit();
            assertThat(r.ok()).as(r.problems().toString()).isTrue();
        }
    }
}
