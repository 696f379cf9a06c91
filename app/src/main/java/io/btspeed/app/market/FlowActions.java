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
    /** Unspent escrow in the current channels of the payer flows still in use (see {@link #forget}). */
    private final AtomicLong unspentEscrow;
    private final AtomicLong earned = new AtomicLong();
    /** Told after a channel check, which may change a buyer's exposure. */
    private final Consumer<MarketPeer> exposureChanged;

    FlowActions(LedgerCalls ledgerCalls, SpendableBalance spendable, AtomicLong spentTotal, AtomicLong unspentEscrow,
                Consumer<MarketPeer> exposureChanged) {
        this.ledgerCalls = ledgerCalls;
        this.spendable = spendable;
        this.spentTotal = spentTotal;
        this.unspentEscrow = unspentEscrow;
        this.exposureChanged = exposureChanged;
    }

    long spent() {
        return spentTotal.get();
    }

    long earned() {
        return earned.get();
    }

    /**
     * Runs a payer-flow event under the peer's monitor; what its payment states added is counted as
     * spent, and the change in its unspent escrow as locked (not for a flow already {@link #forget forgotten}:
     * a channel opened for a peer that left meanwhile can no longer be paid into).
     */
    void paying(MarketPeer ps, Supplier<List<MarketAction>> event) {
        synchronized (ps) {
            long before = ps.payer.spent(), escrowBefore = ps.payer.remainingEscrow();
            List<MarketAction> actions = event.get();
            spentTotal.addAndGet(ps.payer.spent() - before);
            if (!ps.forgotten) unspentEscrow.addAndGet(ps.payer.remainingEscrow() - escrowBefore);
            run(ps, actions);
        }
    }

    /**
     * The peer is gone (or replaced): its channel takes no more payments, so its unspent escrow no
     * longer counts against the budget (the seller settles it and the ledger frees what is left).
     */
    void forget(MarketPeer ps) {
        if (ps.payer == null) return;
        synchronized (ps) {
            if (ps.forgotten) return;
            ps.forgotten = true;
            unspentEscrow.addAndGet(-ps.payer.remainingEscrow());
        }
    }

    /** Unspent escrow in the channels still in use. */
    long unspentEscrow() {
        return unspentEscrow.get();
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
