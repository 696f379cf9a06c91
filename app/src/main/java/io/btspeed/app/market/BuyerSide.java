package io.btspeed.app.market;

import io.btspeed.engine.ext.PeerHandle;
import io.btspeed.market.flow.PayerFlow;
import io.btspeed.market.policy.Autobid;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The buying half of the extension: bids at every seller (each payer flow opens its channel at the
 * first bid), and pays each verified piece on the {@code market-pay} thread — the engine reports a
 * verified piece under the torrent's lock on its disk thread, and a signature there would hold up
 * every connection of the torrent, so only the amount is noted there and the state is signed here.
 * The rules are {@link PayerFlow}'s.
 */
final class BuyerSide implements AutoCloseable {
    private final boolean spend;
    private final Autobid autobid;
    private final Map<Integer, MarketPeer> peers;
    private final FlowActions flows;
    private final SpendableBalance spendable;
    private final LongSupplier remainingBytes;
    private final ExecutorService payments = MarketExtension.worker("market-pay");
    /** Bytes left to download as last asked of the torrent (the payment thread never calls into the torrent). */
    private volatile long remaining = Long.MAX_VALUE;
    /** Sellers we bid at (market peers with a payer flow): a new channel is sized for one seller's share. */
    final AtomicInteger sellers = new AtomicInteger();
    private final Object bidLock = new Object();

    BuyerSide(boolean spend, Autobid autobid, Map<Integer, MarketPeer> peers, FlowActions flows, SpendableBalance spendable,
              LongSupplier remainingBytes) {
        this.spend = spend;
        this.autobid = autobid;
        this.peers = peers;
        this.flows = flows;
        this.spendable = spendable;
        this.remainingBytes = remainingBytes;
    }

    /** At a new seller: the balance is read first (a ledger call, so on the ledger thread), then the bids go out. */
    void bidFromLedgerThread() {
        if (spendable.stale()) spendable.refresh();
        bidAll();
    }

    /**
     * From the tick (under the torrent's lock) and from the ledger thread (a new seller). The bids
     * are sent under {@link #bidLock} so that each goes once; the lock is taken only after the
     * torrent has been asked what remains, so it never waits for the torrent's lock while held.
     * Each payer flow opens its channel at the first bid above 0 (spec §5.1).
     */
    void bidAll() {
        long rem = remainingBytes.getAsLong();
        remaining = rem;
        long budget = spendable.get();
        long bid = spend ? autobid.bid(spendable.forBidding(), rem) : 0;
        long now = System.currentTimeMillis(), share = share();
        synchronized (bidLock) {
            for (MarketPeer ps : peers.values()) {
                if (ps.payer != null) flows.paying(ps, () -> ps.payer.onBid(bid, budget, share, now));
            }
        }
    }

    /** What a new channel is sized for: one seller's share of what remains (spec §5.1). */
    long share() {
        return PayerFlow.shareOf(remaining, sellers.get());
    }

    /**
     * Each seller is paid for the bytes of the piece it sent, at the price in force when the piece
     * verified; the state is signed on the payment thread (see {@link #payments}).
     */
    public void onPieceVerified(int piece, int size, Map<PeerHandle, Long> bytesByPeer) {
        if (!spend || bytesByPeer.isEmpty()) return;
        for (Map.Entry<PeerHandle, Long> e : bytesByPeer.entrySet()) {
            MarketPeer ps = peers.get(e.getKey().key());
            long bytes = e.getValue();
            if (ps == null || ps.payer == null || bytes <= 0) continue;
            long price;
            synchronized (ps) {
                price = ps.payer.payablePrice();
                if (price == 0) continue;
                ps.paymentsPending++;
            }
            try {
                payments.execute(() -> {
                    try {
                        long budget = spendable.get(), share = share();
                        flows.paying(ps, () -> ps.payer.onPieceVerified(bytes, price, budget, share, System.currentTimeMillis()));
                        if (unfunded(ps)) releaseIdleEscrow(ps);
                    } finally {
                        synchronized (ps) {
                            ps.paymentsPending--;
                        }
                    }
                });
            } catch (RejectedExecutionException closing) {
                synchronized (ps) {
                    ps.paymentsPending--;
                }
            }
        }
    }

    private static boolean unfunded(MarketPeer ps) {
        synchronized (ps) {
            return ps.payer.unfunded();
        }
    }

    /**
     * The budget is locked in channels at sellers whose auctions we are not winning: give that escrow
     * back ({@code PayerFlow.release}, spec §5.5; each such seller settles a few seconds later). The needy flow
     * funds a channel once the ledger shows the balance back ({@link #retryFunding}, every tick).
     */
    private void releaseIdleEscrow(MarketPeer needy) {
        for (MarketPeer q : peers.values()) {
            if (q != needy && q.payer != null) flows.paying(q, q.payer::release);
        }
    }

    /** From the tick: a seller owed more than any channel holds gets a new channel if the balance now allows it. */
    void retryFunding() {
        if (!spend) return;
        long now = System.currentTimeMillis();
        for (MarketPeer ps : peers.values()) {
            if (ps.payer != null && unfunded(ps)) {
                long budget = spendable.get(), share = share();
                flows.paying(ps, () -> ps.payer.retryFunding(budget, share, now));
            }
        }
    }

    /** A failed piece is never paid for (spec §5.2): the flows are told so, and nothing is owed. */
    public void onPieceFailed(int piece, Set<PeerHandle> from) {
        for (PeerHandle h : from) {
            MarketPeer ps = peers.get(h.key());
            if (ps != null && ps.payer != null) flows.paying(ps, () -> ps.payer.onPieceFailed(0));
        }
    }

    /**
     * A completed download keeps its connection to this seller until what we owe has left: the
     * payments still being signed, and the channel being opened for what the last one could not carry.
     */
    public boolean holdsConnection(PeerHandle peer) {
        MarketPeer ps = peers.get(peer.key());
        if (ps == null || ps.payer == null) return false;
        synchronized (ps) {
            return (ps.payer.opening() && ps.payer.unpaid() > 0) || ps.paymentsPending > 0;
        }
    }

    /** Sends the payments still being signed (bounded wait). */
    @Override
    public void close() {
        payments.shutdown();
        try {
            payments.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
