package io.btspeed.app.market;

import io.btspeed.market.flow.MarketAction;
import io.btspeed.market.wire.SpeedCodec;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Runs the flows' events and carries out their {@link MarketAction}s for one torrent: messages are
 * encoded and sent at once, under the peer's monitor, so they leave in the order the flow decided;
 * ledger work goes to {@link LedgerCalls} and its outcome comes back into the flow. Counts what our
 * payment states added (spent) and what accepted states brought in (earned).
 */
final class FlowActions {
    private final LedgerCalls ledgerCalls;
    private final SpendableBalance spendable;
    private final AtomicLong spentTotal;
    private final AtomicLong earned = new AtomicLong();
    /** Told after a channel check, which may change a buyer's exposure. */
    private final Consumer<MarketPeer> exposureChanged;

    FlowActions(LedgerCalls ledgerCalls, SpendableBalance spendable, AtomicLong spentTotal, Consumer<MarketPeer> exposureChanged) {
        this.ledgerCalls = ledgerCalls;
        this.spendable = spendable;
        this.spentTotal = spentTotal;
        this.exposureChanged = exposureChanged;
    }

    long spent() {
        return spentTotal.get();
    }

    long earned() {
        return earned.get();
    }

    /** Runs a payer-flow event under the peer's monitor; what its payment states added is counted as spent. */
    void paying(MarketPeer ps, Supplier<List<MarketAction>> event) {
        synchronized (ps) {
            long before = ps.payer.spent();
            List<MarketAction> actions = event.get();
            spentTotal.addAndGet(ps.payer.spent() - before);
            run(ps, actions);
        }
    }

    /** Runs a payee-flow event under the peer's monitor; what accepted states added is counted as earned. */
    void selling(MarketPeer ps, Supplier<List<MarketAction>> event) {
        synchronized (ps) {
            long before = ps.payee.paid();
            List<MarketAction> actions = event.get();
            long gained = ps.payee.paid() - before;
            if (gained > 0) {
                earned.addAndGet(gained);
                ps.notifyAll(); // a held block may be waiting for this payment
            }
            run(ps, actions);
        }
    }

    /** Call holding ps: messages are sent now, in order; ledger work is queued for the ledger thread. */
    private void run(MarketPeer ps, List<MarketAction> actions) {
        for (MarketAction a : actions) {
            switch (a) {
                case MarketAction.Send s -> ps.handle.sendExtended(SpeedCodec.EXTENSION_NAME, SpeedCodec.encode(s.message()));
                case MarketAction.OpenChannel o -> ledgerCalls.open(o, this::spendableOnLedgerThread, opened -> {
                    if (opened == null) {
                        paying(ps, ps.payer::onChannelOpenFailed);
                    } else {
                        // the announcement goes first, then what was owed meanwhile
                        paying(ps, () -> ps.payer.onChannelOpened(opened.id(), opened.escrow(), opened.expiresAtMillis()));
                    }
                    spendable.refresh();
                });
                case MarketAction.LookUpChannel l -> ledgerCalls.lookUp(l.channel(), info -> {
                    if (info == null) selling(ps, () -> ps.payee.onChannelLookupFailed(l.channel()));
                    else if (info.isEmpty()) selling(ps, () -> ps.payee.onChannelNotFound(l.channel()));
                    else selling(ps, () -> ps.payee.onChannelChecked(info.get(), System.currentTimeMillis()));
                    exposureChanged.accept(ps);
                });
                case MarketAction.CloseChannel c -> ledgerCalls.close(c);
                case MarketAction.RefundExpired r -> ledgerCalls.refund(r);
            }
        }
    }

    private long spendableOnLedgerThread() {
        spendable.refresh();
        return spendable.get();
    }
}
