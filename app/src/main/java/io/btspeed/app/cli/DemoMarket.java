package io.btspeed.app.cli;

import io.btspeed.app.ledger.LedgerCommand;
import io.btspeed.app.market.MarketOptions;
import io.btspeed.ledger.Amounts;
import io.btspeed.ledger.AuditReport;
import io.btspeed.ledger.Ledger;
import io.btspeed.ledger.Ledgers;
import io.btspeed.ledger.TokenInfo;
import io.btspeed.ledger.crypto.KeyPair;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.InstantSource;
import picocli.CommandLine;

/**
 * The market half of {@code btspeed demo --market}: a ledger file made for the run whose whole supply belongs to the
 * downloader's fresh wallet, a seeder wallet that starts empty and sells one paid slot (plus the free slot every
 * market seeder keeps), and the downloader bidding from a budget. The same {@link MarketRun} the download and seed
 * commands use, with keys held in memory instead of keystores.
 */
final class DemoMarket implements AutoCloseable {
    /** Tokens the downloader may spend; the price it bids follows from this and the bytes it still needs (autobid). */
    static final String BUDGET = "100";
    /** The seeder's lowest accepted bid, tokens per MiB: a lone bidder pays this. */
    static final String RESERVE_PRICE = "0.01";

    private final Path ledgerFile;
    private final TokenInfo token;
    private final KeyPair buyerKey;
    private final KeyPair sellerKey;
    private final MarketRun seller;
    private final MarketRun buyer;
    private boolean closed;

    private DemoMarket(Path ledgerFile, TokenInfo token, KeyPair buyerKey, KeyPair sellerKey, MarketRun seller, MarketRun buyer) {
        this.ledgerFile = ledgerFile;
        this.token = token;
        this.buyerKey = buyerKey;
        this.sellerKey = sellerKey;
        this.seller = seller;
        this.buyer = buyer;
    }

    static DemoMarket create(Path work, int pieceLength, Progress progress) {
        SecureRandom random = new SecureRandom();
        KeyPair buyerKey = KeyPair.generate(random);
        KeyPair sellerKey = KeyPair.generate(random);
        TokenInfo token = new TokenInfo("BTT", 6, 1_000_000L * 1_000_000L);
        Path file = work.resolve("ledger.db");
        try (Ledger ignored = Ledgers.create(file.toString(), token, buyerKey.address(), InstantSource.system())) {
            progress.message("market: ledger " + file + ", " + Amounts.display(token.supply(), token) + " in the downloader's wallet " + buyerKey.address().toTron() + "; the seeder " + sellerKey.address().toTron()
                    + " sells 1 paid slot (reserve price " + RESERVE_PRICE + " per MiB)");
        }
        MarketRun seller = MarketRun.withKey(options("--paid-slots", "1", "--free-slots", "1", "--reserve-price", RESERVE_PRICE),
                sellerKey, LedgerCommand.open(file.toString()), pieceLength);
        MarketRun buyer;
        try {
            buyer = MarketRun.withKey(options("--budget", BUDGET, "--paid-slots", "0", "--free-slots", "1"), buyerKey,
                    LedgerCommand.open(file.toString()), pieceLength);
        } catch (RuntimeException e) {
            seller.close();
            throw e;
        }
        return new DemoMarket(file, token, buyerKey, sellerKey, seller, buyer);
    }

    private static MarketOptions options(String... args) {
        return CommandLine.populateCommand(new MarketOptions(), args);
    }

    MarketRun seller() {
        return seller;
    }

    MarketRun buyer() {
        return buyer;
    }

    /**
     * Closes both sides (the seeder settles its channels on the ledger), then checks with a fresh view of the ledger that
     * the seeder's balance is what it earned, that the downloader is down by exactly that, and that the audit passes.
     */
    boolean settleAndAudit(Progress progress) {
        long spent = buyer.spent(), earned = seller.earned();
        close();
        try (Ledger l = LedgerCommand.open(ledgerFile.toString())) {
            long sellerBalance = l.balance(sellerKey.address());
            long buyerDown = token.supply() - l.balance(buyerKey.address());
            AuditReport audit = l.audit();
            boolean balanced = sellerBalance == earned && buyerDown == earned && spent == earned;
            progress.message("market: the downloader paid " + show(spent) + ", the seeder earned " + show(earned)
                    + "; on the ledger the seeder holds " + show(sellerBalance) + " and the downloader is down " + show(buyerDown)
                    + (balanced ? "" : " (MISMATCH)"));
            progress.message("ledger audit: " + (audit.ok() ? "ok (balances + open escrow = supply, journal of "
                    + audit.journalLength() + " entries verified)" : "FAILED " + audit.problems()));
            return balanced && audit.ok();
        }
    }

    private String show(long amount) {
        return Amounts.display(amount, token);
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            seller.close();
        } finally {
            buyer.close();
        }
    }
}
