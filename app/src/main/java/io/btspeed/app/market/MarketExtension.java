package io.btspeed.app.market;

import io.btspeed.engine.ext.PeerHandle;
import io.btspeed.engine.ext.TorrentExtension;
import io.btspeed.ledger.Ledger;
import io.btspeed.ledger.crypto.Address;
import io.btspeed.ledger.crypto.KeyPair;
import io.btspeed.market.auction.AuctionResult;
import io.btspeed.market.auction.ClearingRule;
import io.btspeed.market.flow.MarketAction;
import io.btspeed.market.flow.PayeeFlow;
import io.btspeed.market.flow.PayerFlow;
import io.btspeed.market.policy.Autobid;
import io.btspeed.market.policy.MarketSlotPolicy;
import io.btspeed.market.wire.SpeedCodec;
import io.btspeed.market.wire.SpeedMessage;
import io.btspeed.protocol.ProtocolException;
import io.btspeed.protocol.bencode.BValue;
import io.btspeed.protocol.bencode.Bencode;
import io.btspeed.protocol.ext.ExtendedHandshake;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code bt_speed} extension at run time (docs/spec/speed-extension.md): I/O glue around the pure
 * market rules. Every buyer and seller rule lives in {@link PayerFlow} and {@link PayeeFlow} (one of
 * each per market peer, see {@link MarketPeer}), the auction in {@link MarketSlotPolicy}; this class
 * turns torrent events and wire messages into flow events, and the flows' {@link MarketAction}s into
 * messages ({@link SpeedCodec}) and ledger calls ({@link LedgerCalls}, on a background thread, never
 * under the torrent's lock). Payments are signed on the {@code market-pay} thread, never on the
 * torrent's disk thread. One instance per torrent; it can buy and sell at the same time.
 */
public final class MarketExtension implements TorrentExtension, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MarketExtension.class);
    /**
     * How long a block that would take a winner past its exposure limit waits for the winner's
     * payment before it is refused (and the winner loses the paid slot until it pays).
     */
    private static final long EXPOSURE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);

    /** How this peer takes part. {@code policy} null: it does not sell; {@code spend} false: it does not buy. */
    public record Config(String ledgerId, MarketSlotPolicy policy, int exposurePieces, boolean spend, long budget,
                         Autobid autobid, long channelLifetimeMillis) {}

    private final KeyPair wallet;
    private final Ledger ledger;
    private final Config config;
    private final int pieceLength;
    private final LongSupplier remainingBytes;
    private final LedgerCalls ledgerCalls;
    /**
     * Signs and sends payments, in the order pieces verified. The engine reports a verified piece
     * under the torrent's lock on its disk thread: a signature there would hold up every
     * connection of the torrent, so only the amount is noted there and the state is signed here.
     */
    private final ExecutorService payments = worker("market-pay");
    private final Map<Integer, MarketPeer> peers = new ConcurrentHashMap<>();
    /** Σ of what every payment state we sent added: one counter, so nothing is counted twice. */
    private final AtomicLong spentTotal = new AtomicLong();
    private final AtomicLong earned = new AtomicLong();
    private final SpendableBalance spendable;
    /** Bytes left to download as last asked of the torrent (the payment thread never calls into the torrent). */
    private volatile long remaining = Long.MAX_VALUE;
    /** Sellers we bid at (market peers with a payer flow): a new channel is sized for one seller's share. */
    private final java.util.concurrent.atomic.AtomicInteger sellers = new java.util.concurrent.atomic.AtomicInteger();
    private volatile long lastResultRound = -1;
    private final Object bidLock = new Object();

    /** One daemon thread running tasks in order. */
    static ExecutorService worker(String name) {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * @param remainingBytes bytes this torrent still has to download (0 once complete)
     * @param memo           recorded with every ledger operation, e.g. the torrent's info-hash
     */
    public MarketExtension(KeyPair wallet, Ledger ledger, Config config, int pieceLength, LongSupplier remainingBytes, String memo) {
        this.wallet = wallet;
        this.ledger = ledger;
        this.config = config;
        this.pieceLength = pieceLength;
        this.remainingBytes = remainingBytes;
        this.ledgerCalls = new LedgerCalls(ledger, wallet, memo);
        this.spendable = new SpendableBalance(ledger, wallet.address(), config.budget(), spentTotal::get);
    }

    @Override
    public String name() {
        return SpeedCodec.EXTENSION_NAME;
    }

    @Override
    public boolean marksMarketPeers() {
        return true;
    }

    @Override
    public BValue handshakeEntry() {
        List<String> rules = config.policy() == null ? List.of(ClearingRule.LOWEST_WINNING.wireName(), ClearingRule.HIGHEST_LOSING.wireName())
                : List.of(config.policy().rule().wireName());
        SpeedMessage.Hello hello = new SpeedMessage.Hello(SpeedCodec.VERSION, config.ledgerId(), ledger.token().symbol(),
                ledger.token().decimals(), wallet.address().bytes(), wallet.publicKey(), rules,
                config.policy() == null ? 0 : config.policy().paidSlots());
        return Bencode.decode(SpeedCodec.encode(hello));
    }

    /** Base units this torrent has paid uploaders so far. */
    public long spent() {
        return spentTotal.get();
    }

    public long earned() {
        return earned.get();
    }

    @Override
    public void onHandshake(PeerHandle peer, ExtendedHandshake hs) {
        if (!peer.supports(name()) || hs.raw() == null || hs.raw().get(name()) == null) return;
        SpeedMessage.Hello hello;
        try {
            hello = SpeedCodec.decodeHello(hs.raw().get(name()));
        } catch (ProtocolException e) {
            log.debug("{}: bad bt_speed handshake: {}", peer.address(), e.getMessage());
            return;
        }
        boolean sameLedger = hello.ledger().equals(config.ledgerId());
        boolean keyMatches;
        try {
            keyMatches = Address.ofPublicKey(hello.publicKey()).equals(new Address(hello.address()));
        } catch (RuntimeException e) {
            keyMatches = false;
        }
        Address them = new Address(hello.address());
        if (!sameLedger || !keyMatches || them.equals(wallet.address())) return;
        boolean buys = config.spend() && hello.paidSlots() > 0;
        PayerFlow payer = buys ? new PayerFlow(them, st -> st.sign(wallet),
                new PayerFlow.Config(config.channelLifetimeMillis(), PayerFlow.Config.defaults(pieceLength).expiryMarginMillis(),
                        PayerFlow.Config.defaults(pieceLength).minEscrowPieces(), pieceLength)) : null;
        PayeeFlow payee = config.policy() == null ? null
                : new PayeeFlow(wallet.address(), them, new PayeeFlow.Config(config.exposurePieces(), pieceLength, PayeeFlow.CLOSE_MARGIN_MILLIS));
        MarketPeer old = peers.put(peer.key(), new MarketPeer(peer, hello, payer, payee));
        if (payer != null) sellers.incrementAndGet();
        if (old != null && old.payer != null) sellers.decrementAndGet();
        // bid now rather than at the next tick: the seller may run its auction before then (the
        // balance lookup is a ledger call, so not here under the torrent's lock)
        if (buys) ledgerCalls.execute(this::bidFromLedgerThread);
    }

    @Override
    public void onMessage(PeerHandle peer, byte[] payload) {
        MarketPeer ps = peers.get(peer.key());
        if (ps == null) return; // not a market peer for us: its messages mean nothing here
        SpeedMessage m = SpeedCodec.decode(payload); // a malformed message is a protocol violation
        switch (m) {
            case SpeedMessage.BidMsg b -> {
                if (config.policy() != null) config.policy().bid(peer.key(), b.price());
            }
            case SpeedMessage.Result r -> {
                log.debug("{}: result round {} won {} price {}", peer.address(), r.round(), r.won(), r.price());
                if (ps.payer == null) return;
                long share = share(), budget = spendable.get();
                paying(ps, () -> ps.payer.onResult(r, budget, share, System.currentTimeMillis()));
            }
            case SpeedMessage.ChannelOpened o -> {
                if (ps.payee != null) selling(ps, () -> ps.payee.onChannelAnnounced(o));
            }
            case SpeedMessage.Payment p -> {
                if (ps.payee != null) {
                    selling(ps, () -> ps.payee.onPayment(p));
                    updateExposure(ps);
                }
            }
            case SpeedMessage.Ack a -> {
                if (ps.payer != null) paying(ps, () -> ps.payer.onAck(a));
            }
            case SpeedMessage.Error e -> {
                log.info("{}: bt_speed error {}: {}", peer.address(), e.code(), e.message());
                if (ps.payer != null) paying(ps, () -> ps.payer.onError(e));
            }
            case SpeedMessage.Hello h -> { }
        }
    }

    // ------------------------------------------------------------------ flows to actions

    /** Runs a payer-flow event under the peer's monitor; what its payment states added is counted as spent. */
    private void paying(MarketPeer ps, Supplier<List<MarketAction>> event) {
        synchronized (ps) {
            long before = ps.payer.spent();
            List<MarketAction> actions = event.get();
            spentTotal.addAndGet(ps.payer.spent() - before);
            run(ps, actions);
        }
    }

    /** Runs a payee-flow event under the peer's monitor; what accepted states added is counted as earned. */
    private void selling(MarketPeer ps, Supplier<List<MarketAction>> event) {
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
                case MarketAction.Send s -> ps.handle.sendExtended(name(), SpeedCodec.encode(s.message()));
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
                    updateExposure(ps);
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

    // ------------------------------------------------------------------ selling

    /**
     * Billed when the block leaves, not when queued (a queued block is dropped if we choke the buyer),
     * at the price of the last result the buyer was sent before it, from its first block as a
     * winner: a buyer that wins and never opens a channel still owes, and is stopped at the limit.
     */
    @Override
    public void onBlockSent(PeerHandle peer, int piece, int length) {
        MarketPeer ps = peers.get(peer.key());
        if (ps == null || ps.payee == null) return;
        synchronized (ps) {
            if (ps.payee.billedPrice() == 0) return;
            ps.payee.onBlockSent(piece, pieceLength, length);
        }
        updateExposure(ps);
    }

    /** The seller never sends a paid block that would take the buyer's unpaid debt past the exposure limit. */
    @Override
    public boolean mayUpload(PeerHandle peer, int length) {
        MarketPeer ps = peers.get(peer.key());
        if (ps == null || ps.payee == null) return true;
        synchronized (ps) {
            return ps.payee.mayServe(length);
        }
    }

    /**
     * An honest buyer pays as soon as the piece verifies, so the block waits for that payment; one
     * that does not pay in time has the block refused and loses the paid slot until it pays.
     */
    @Override
    public boolean awaitUpload(PeerHandle peer, int length) {
        MarketPeer ps = peers.get(peer.key());
        if (ps == null || ps.payee == null) return true;
        long start = System.nanoTime(), deadline = start + EXPOSURE_WAIT_NANOS;
        synchronized (ps) {
            // already waited in vain: refuse the rest at once (the choke that follows drops what is queued)
            if (ps.payee.stalled() && !ps.payee.mayServe(length)) return false;
            ps.heldBlocks++;
            while (!ps.payee.mayServe(length)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    if (!ps.payee.stalled()) log.debug("{}: no payment for {} ms: paid block refused (debt {}, limit {})", ps.handle.address(),
                            TimeUnit.NANOSECONDS.toMillis(EXPOSURE_WAIT_NANOS), ps.payee.debt(), ps.payee.exposureLimit());
                    ps.payee.stall();
                    break;
                }
                try {
                    ps.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 250)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        updateExposure(ps);
        synchronized (ps) {
            ps.heldNanos += System.nanoTime() - start;
            return !ps.payee.stalled();
        }
    }

    /** Tells the auction whether this buyer is kept out of the paid slots (spec §5.3). */
    private void updateExposure(MarketPeer ps) {
        MarketSlotPolicy policy = config.policy();
        if (policy == null || ps.payee == null) return;
        boolean over;
        synchronized (ps) {
            over = ps.payee.overExposed();
            if (over != ps.overExposed) {
                ps.overExposed = over;
                log.debug("{}: {} (debt {}, limit {})", ps.handle.address(), over ? "over-exposed" : "exposure back within limit",
                        ps.payee.debt(), ps.payee.exposureLimit());
            }
        }
        policy.setOverExposed(ps.handle.key(), over);
    }

    private void sendResults() {
        MarketSlotPolicy policy = config.policy();
        if (policy == null || policy.lastRound() == lastResultRound) return;
        lastResultRound = policy.lastRound();
        AuctionResult r = policy.lastAuction();
        log.debug("auction round {}: winners {} at {} per MiB", lastResultRound, r.winners(), r.clearingPrice());
        for (MarketPeer ps : peers.values()) {
            boolean won = r.won(ps.handle.key());
            ps.handle.sendExtended(name(), SpeedCodec.encode(new SpeedMessage.Result(lastResultRound, won,
                    r.clearingPrice(), r.rule().wireName(), r.winners().size())));
            long price = won ? r.clearingPrice() : 0;
            // billing follows the result from the moment it is on the buyer's socket (spec §4)
            ps.handle.afterQueued(() -> {
                synchronized (ps) {
                    ps.payee.onResultDelivered(price);
                    ps.notifyAll();
                }
                updateExposure(ps);
            });
        }
    }

    // ------------------------------------------------------------------ buying

    /** At a new seller: the balance is read first (a ledger call, so on the ledger thread), then the bids go out. */
    private void bidFromLedgerThread() {
        if (spendable.stale()) spendable.refresh();
        bidAll();
    }

    /**
     * From the tick (under the torrent's lock) and from the ledger thread (a new seller). The bids
     * are sent under {@link #bidLock} so that each goes once; the lock is taken only after the
     * torrent has been asked what remains, so it never waits for the torrent's lock while held.
     * Each payer flow opens its channel at the first bid above 0 (spec §5.1).
     */
    private void bidAll() {
        long rem = remainingBytes.getAsLong();
        remaining = rem;
        long budget = spendable.get();
        long bid = config.spend() ? config.autobid().bid(budget, rem) : 0;
        long now = System.currentTimeMillis(), share = share();
        synchronized (bidLock) {
            for (MarketPeer ps : peers.values()) {
                if (ps.payer != null) paying(ps, () -> ps.payer.onBid(bid, budget, share, now));
            }
        }
    }

    /** What a new channel is sized for: one seller's share of what remains (spec §5.1). */
    private long share() {
        return PayerFlow.shareOf(remaining, sellers.get());
    }

    /**
     * Each seller is paid for the bytes of the piece it sent, at the price in force when the piece
     * verified; the state is signed on the payment thread (see {@link #payments}).
     */
    @Override
    public void onPieceVerified(int piece, int size, Map<PeerHandle, Long> bytesByPeer) {
        if (!config.spend() || bytesByPeer.isEmpty()) return;
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
                        paying(ps, () -> ps.payer.onPieceVerified(bytes, price, budget, share, System.currentTimeMillis()));
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

    /** A failed piece is never paid for (spec §5.2): the flows are told so, and nothing is owed. */
    @Override
    public void onPieceFailed(int piece, Set<PeerHandle> from) {
        for (PeerHandle h : from) {
            MarketPeer ps = peers.get(h.key());
            if (ps != null && ps.payer != null) paying(ps, () -> ps.payer.onPieceFailed(0));
        }
    }

    /**
     * A completed download keeps its connection to this seller until what we owe has left: the
     * payments still being signed, and the channel being opened for what the last one could not carry.
     */
    @Override
    public boolean holdsConnection(PeerHandle peer) {
        MarketPeer ps = peers.get(peer.key());
        if (ps == null || ps.payer == null) return false;
        synchronized (ps) {
            return (ps.payer.opening() && ps.payer.unpaid() > 0) || ps.paymentsPending > 0;
        }
    }

    // ------------------------------------------------------------------ lifecycle

    @Override
    public void onTick(long nowNanos) {
        sendResults();
        bidAll();
        if (spendable.stale()) ledgerCalls.execute(spendable::refresh);
        long now = System.currentTimeMillis();
        for (MarketPeer ps : peers.values()) {
            if (ps.payee != null) selling(ps, () -> ps.payee.onTick(now));
            if (ps.payer != null) paying(ps, () -> ps.payer.onTick(now));
        }
    }

    @Override
    public void onPeerClosed(PeerHandle peer) {
        MarketPeer ps = peers.remove(peer.key());
        if (ps != null && ps.payer != null) sellers.decrementAndGet();
        if (config.policy() != null) config.policy().remove(peer.key());
        if (ps == null || ps.payee == null) return;
        synchronized (ps) {
            ps.notifyAll();
            if (ps.payee.owed() > 0 || ps.payee.paid() > 0) {
                // the seller's books on this buyer: what it lost is the unpaid part, never above the limit
                log.info("{}: left: owed {}, paid {}, unpaid {} (exposure limit {}); {} blocks waited {} ms for payment",
                        peer.address(), ps.payee.owed(), ps.payee.paid(), ps.payee.debt(), ps.payee.exposureLimit(), ps.heldBlocks,
                        TimeUnit.NANOSECONDS.toMillis(ps.heldNanos));
            }
        }
        selling(ps, ps.payee::onPeerLeft);
    }

    /** Sends the payments still being signed, settles every channel we were paid in, then stops the workers (bounded waits). */
    @Override
    public void close() {
        payments.shutdown();
        try {
            payments.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (MarketPeer ps : peers.values()) {
            if (ps.payee != null) selling(ps, ps.payee::onPeerLeft);
        }
        ledgerCalls.close();
    }
}
