package io.btspeed.app.market;

import io.btspeed.ledger.ChannelId;
import io.btspeed.ledger.ChannelInfo;
import io.btspeed.ledger.Ledger;
import io.btspeed.ledger.LedgerException;
import io.btspeed.ledger.crypto.KeyPair;
import io.btspeed.ledger.op.ChannelClose;
import io.btspeed.ledger.op.ChannelOpen;
import io.btspeed.market.flow.MarketAction;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ledger side of the flows' actions, on one background thread in order: never under the
 * torrent's lock nor a peer's monitor (a ledger call can take milliseconds, an HTTP ledger much
 * longer). Each call reports its outcome to a callback, which feeds it back into the flow.
 */
final class LedgerCalls implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LedgerCalls.class);

    /** Outcome of an {@link MarketAction.OpenChannel}: the channel, or null when the ledger refused. */
    record Opened(ChannelId id, long escrow, long expiresAtMillis) {}

    private final Ledger ledger;
    private final KeyPair wallet;
    private final String memo;
    private final ExecutorService thread = MarketExtension.worker("market-ledger");

    LedgerCalls(Ledger ledger, KeyPair wallet, String memo) {
        this.ledger = ledger;
        this.wallet = wallet;
        this.memo = memo;
    }

    /** Runs {@code task} on the ledger thread; dropped once closing. */
    void execute(Runnable task) {
        try {
            thread.execute(task);
        } catch (RejectedExecutionException closing) {
            // shutting down: nothing more goes to the ledger
        }
    }

    /**
     * Opens the channel the payer flow asked for, with at most {@code spendableNow} escrow (several
     * sellers' channels may have been asked for on one cached balance); null to {@code done} if the
     * ledger refused or nothing is left to lock.
     */
    void open(MarketAction.OpenChannel o, java.util.function.LongSupplier spendableNow, Consumer<Opened> done) {
        execute(() -> {
            Opened result = null;
            try {
                long escrow = Math.min(o.escrow(), spendableNow.getAsLong());
                if (escrow > 0) {
                    ChannelOpen open = new ChannelOpen(wallet.address(), o.payee(), escrow, o.expiresAtMillis(),
                            ledger.nextNonce(wallet.address()), memo);
                    ledger.openChannel(open.sign(wallet));
                    result = new Opened(open.channelId(), escrow, o.expiresAtMillis());
                }
            } catch (LedgerException | IllegalArgumentException e) {
                log.info("opening a channel to {} failed: {}", o.payee(), e.getMessage());
            }
            done.accept(result);
        });
    }

    /** Looks a channel up: {@code done} gets the ledger's record, an empty answer when it is unknown, null when the ledger cannot be reached. */
    void lookUp(ChannelId id, Consumer<Optional<ChannelInfo>> done) {
        execute(() -> {
            Optional<ChannelInfo> info;
            try {
                info = ledger.channel(id);
            } catch (LedgerException e) {
                log.debug("looking channel {} up failed: {}", id, e.getMessage());
                info = null;
            }
            done.accept(info);
        });
    }

    /** Settles a channel with the payer's best state (none: all escrow returns). */
    void close(MarketAction.CloseChannel c) {
        execute(() -> {
            try {
                ledger.closeChannel(new ChannelClose(c.channel(), c.best()).sign(wallet));
            } catch (LedgerException e) {
                log.warn("closing channel {} failed: {}", c.channel(), e.getMessage());
            }
        });
    }

    /** Reclaims the escrow of a channel we funded that expired unclosed. */
    void refund(MarketAction.RefundExpired r) {
        execute(() -> {
            try {
                ledger.refundExpired(r.channel());
            } catch (LedgerException e) {
                log.debug("refunding channel {} failed: {}", r.channel(), e.getMessage());
            }
        });
    }

    /** Finishes what was queued (bounded), then stops. */
    @Override
    public void close() {
        thread.shutdown();
        try {
            thread.awaitTermination(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
