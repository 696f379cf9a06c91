package io.btspeed.app.cli;

import io.btspeed.app.UserException;
import io.btspeed.app.ledger.LedgerCommand;
import io.btspeed.app.market.MarketExtension;
import io.btspeed.app.market.MarketOptions;
import io.btspeed.app.wallet.WalletCommand;
import io.btspeed.core.choke.TitForTatPolicy;
import io.btspeed.engine.AddTorrentParams;
import io.btspeed.engine.TorrentHandle;
import io.btspeed.ledger.Amounts;
import io.btspeed.ledger.Ledger;
import io.btspeed.ledger.LedgerException;
import io.btspeed.ledger.TokenInfo;
import io.btspeed.ledger.crypto.KeyPair;
import io.btspeed.ledger.op.ChannelOpen;
import io.btspeed.market.policy.Autobid;
import io.btspeed.market.policy.MarketSlotPolicy;
import java.security.SecureRandom;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/** The market side of one download or seed run: wallet, ledger, slot policy and the bt_speed extension. */
final class MarketRun implements AutoCloseable {
    private final MarketOptions options;
    private final KeyPair wallet;
    private final Ledger ledger;
    private final TokenInfo token;
    private final int pieceLength;
    private final AtomicReference<TorrentHandle> handle = new AtomicReference<>();
    private MarketExtension extension;
    private String lastLine;
    private long lastReportNanos;

    private MarketRun(MarketOptions options, KeyPair wallet, Ledger ledger, int pieceLength) {
        this.options = options;
        this.wallet = wallet;
        this.ledger = ledger;
        this.token = ledger.token();
        this.pieceLength = pieceLength;
    }

    static MarketRun open(MarketOptions options, TorrentSource source) {
        options.checkSlots();
        options.spending();
        options.rule();
        int pieceLength = switch (source) {
            case TorrentSource.File f -> f.metainfo().pieceLength();
            case TorrentSource.Magnet m -> throw new UserException("the market needs a .torrent file (piece sizes set the payment unit)");
        };
        KeyPair wallet = WalletCommand.load(options.wallet, options.passwordFile);
        // The keystore's scrypt (n = 2^18, r = 8) leaves 256 MiB of garbage in a heap that is often 512 MiB:
        // collected now it costs a few ms with nothing else live, while left alone it was collected during
        // the transfer, a 50-360 ms pause of every thread (an "off" transfer has no collection at all).
        System.gc();
        Ledger ledger = LedgerCommand.open(options.ledger);
        return new MarketRun(options, wallet, ledger, pieceLength);
    }

    /** A run with a key already in memory (the demo's wallets have no keystore); the run closes {@code ledger}. */
    static MarketRun withKey(MarketOptions options, KeyPair wallet, Ledger ledger, int pieceLength) {
        options.checkSlots();
        options.spending();
        options.rule();
        return new MarketRun(options, wallet, ledger, pieceLength);
    }

    long spent() {
        return extension.spent();
    }

    long earned() {
        return extension.earned();
    }

    /** Regular slots for the session: paid + free, minus the optimistic one the engine adds. */
    int uploadSlots() {
        return Math.max(1, options.paidSlots + options.freeSlots - 1);
    }

    AddTorrentParams attach(AddTorrentParams params) {
        long reserve = MarketOptions.amount("--reserve-price", options.reservePrice, token, 0);
        long maxPrice = MarketOptions.amount("--max-price", options.maxPrice, token, Long.MAX_VALUE);
        long budget = MarketOptions.amount("--budget", options.budget, token, Long.MAX_VALUE);
        MarketSlotPolicy policy = options.paidSlots > 0
                ? new MarketSlotPolicy(options.paidSlots, options.rule(), reserve, new TitForTatPolicy(new Random(new SecureRandom().nextLong())))
                : null;
        String memo = params.metainfo().infoHash().hex();
        String ledgerId;
        try {
            ledgerId = ledger.id();
        } catch (LedgerException e) {
            throw new UserException(e.getMessage());
        }
        extension = new MarketExtension(wallet, ledger,
                new MarketExtension.Config(ledgerId, policy, options.exposurePieces(pieceLength), options.spending(), budget, new Autobid(1000, maxPrice),
                        ChannelOpen.DEFAULT_LIFETIME_MILLIS),
                pieceLength, this::remaining, memo);
        AddTorrentParams p = params.withExtensions(List.of(extension));
        return policy == null ? p : p.withSlotPolicy(policy);
    }

    void started(TorrentHandle h) {
        handle.set(h);
    }

    private long remaining() {
        TorrentHandle h = handle.get();
        if (h == null) return Long.MAX_VALUE;
        var st = h.status();
        return Math.max(0, st.wantedBytes() - st.wantedDoneBytes());
    }

    String summary() {
        return "market: spent " + Amounts.display(extension.spent(), token) + ", earned " + Amounts.display(extension.earned(), token);
    }

    /** The market line when it changed, at most every 5 s. */
    String reportIfChanged(long nowNanos) {
        if (extension == null || nowNanos - lastReportNanos < TimeUnit.SECONDS.toNanos(5)) return null;
        String line = summary();
        if (line.equals(lastLine)) return null;
        lastLine = line;
        lastReportNanos = nowNanos;
        return line;
    }

    @Override
    public void close() {
        try {
            if (extension != null) extension.close();
        } finally {
            ledger.close();
        }
    }
}
