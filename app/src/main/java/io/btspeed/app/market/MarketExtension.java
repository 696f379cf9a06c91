package io.btspeed.app.market;

import io.btspeed.engine.ext.PeerHandle;
import io.btspeed.engine.ext.TorrentExtension;
import io.btspeed.ledger.ChannelId;
import io.btspeed.ledger.ChannelInfo;
import io.btspeed.ledger.Ledger;
import io.btspeed.ledger.LedgerException;
import io.btspeed.ledger.crypto.Address;
import io.btspeed.ledger.crypto.KeyPair;
import io.btspeed.ledger.op.ChannelClose;
import io.btspeed.ledger.op.ChannelOpen;
import io.btspeed.ledger.op.ChannelState;
import io.btspeed.ledger.crypto.Signature;
import io.btspeed.market.auction.AuctionResult;
import io.btspeed.market.auction.ClearingRule;
import io.btspeed.market.pay.ExposureGate;
import io.btspeed.market.pay.PayeeAccount;
import io.btspeed.market.pay.PayerAccount;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code bt_speed} extension at run time (docs/spec/speed-extension.md): joins the torrent's
 * events to the pure market rules ({@link MarketSlotPolicy}, {@link Autobid}, {@link PayerAccount},
 * {@link PayeeAccount}) and to the ledger. Ledger calls run on a background executor, never under
 * the torrent's lock. One instance per torrent; it can buy (bid and pay) and sell (auction and
 * collect) at the same time.
 */
public final class MarketExtension implements TorrentExtension, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MarketExtension.class);
    /**
     * How long a block that would take a winner past its exposure limit waits for the winner's
     * payment before it is refused (and the winner loses the paid slot until it pays).
     */
    private static final long EXPOSURE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** Channels are closed this long before expiry: a close after expiry cannot pay out. */
    private static final long CLOSE_MARGIN_MILLIS = 60 * 60 * 1000L;

    /** How this peer takes part. {@code policy} null: it does not sell; {@code spend} false: it does not buy. */
    public record Config(String ledgerId, MarketSlotPolicy policy, int exposurePieces, boolean spend, long budget,
                         Autobid autobid, long channelLifetimeMillis) {}

    private final KeyPair wallet;
    private final Ledger ledger;
    private final Config config;
    private final int pieceLength;
    private final LongSupplier remainingBytes;
    private final String memo;
    private final ExecutorService ledgerCalls = worker("market-ledger");
    /**
     * Signs and sends payments, in the order pieces verified. The engine reports a verified piece
     * under the torrent's lock on its disk thread: a signature there would hold up every
     * connection of the torrent, so only the amount is noted there and the state is signed here.
     */
    private final ExecutorService payments = worker("market-pay");
    private final Map<Integer, PeerState> peers = new ConcurrentHashMap<>();
    /** Σ of what every payment state we sent added: one counter, so nothing is counted twice. */
    private final AtomicLong spentTotal = new AtomicLong();
    private final AtomicLong earned = new AtomicLong();
    private volatile long lastResultRound = -1;
    private final Object bidLock = new Object();
    private volatile long balanceCache = -1;
    private volatile long balanceAtNanos;

    /** One daemon thread running tasks in order. */
    private static ExecutorService worker(String name) {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    private static final class PeerState {
        final PeerHandle handle;
        final SpeedMessage.Hello hello;
        // buying from this peer
        long standingBid;
        boolean won;
        long price;
        PayerAccount payer;
        boolean opening;
        /** Verified pieces whose payment is still waiting on the payment thread. */
        int paymentsPending;
        // selling to this peer
        final PayeeAccount payee;
        long channelExpiresAt;
        /** A channel the buyer announced that we are still checking on the ledger, and the best state for it so far. */
        /**
         * Channels the buyer announced that we are still checking on the ledger (in announcement
         * order, checked one by one), each with the best state that raced ahead of its check. A
         * buyer that fills one channel and opens the next at once has two here: neither state is lost.
         */
        final java.util.LinkedHashMap<String, SpeedMessage.Payment> checking = new java.util.LinkedHashMap<>();
        boolean overExposed;
        /** Billing price and exposure rule, told when each auction result reaches the buyer's socket. */
        final ExposureGate gate;
        /** Blocks that waited for a payment, and how long in all (the exposure limit's cost to an honest buyer). */
        long heldBlocks;
        long heldNanos;

        PeerState(PeerHandle handle, SpeedMessage.Hello hello, ExposureGate gate) {
            this.handle = handle;
            this.hello = hello;
            // the exposure limit moves with the price: the gate keeps it, the account's own is unused
            this.payee = new PayeeAccount(Long.MAX_VALUE);
            this.gate = gate;
        }
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
        this.memo = memo;
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
        if (!sameLedger || !keyMatches || new Address(hello.address()).equals(wallet.address())) return;
        peers.put(peer.key(), new PeerState(peer, hello, new ExposureGate(config.exposurePieces(), pieceLength)));
        // bid now rather than at the next tick: the seller may run its auction before then (the
        // balance lookup is a ledger call, so not here under the torrent's lock)
        if (config.spend() && hello.paidSlots() > 0) {
            try {
                ledgerCalls.execute(this::bidAll);
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                // shutting down: no more bids
            }
        }
    }

    @Override
    public void onMessage(PeerHandle peer, byte[] payload) {
        PeerState ps = peers.get(peer.key());
        if (ps == null) return; // not a market peer for us: its messages mean nothing here
        SpeedMessage m = SpeedCodec.decode(payload); // a malformed message is a protocol violation
        switch (m) {
            case SpeedMessage.BidMsg b -> {
                if (config.policy() != null) {
                    config.policy().bid(peer.key(), b.price());
                    log.debug("{}: bid {} per MiB (early round wanted: {})", peer.address(), b.price(), config.policy().roundWanted());
                }
            }
            case SpeedMessage.Result r -> {
                log.debug("{}: result round {} won {} price {}", peer.address(), r.round(), r.won(), r.price());
                onResult(ps, r);
            }
            case SpeedMessage.ChannelOpened o -> {
                synchronized (ps) {
                    ps.checking.putIfAbsent(java.util.HexFormat.of().formatHex(o.channelId()), null);
                }
                ledgerCalls.execute(() -> checkChannel(ps, o));
            }
            case SpeedMessage.Payment p -> {
                log.debug("{}: payment seq {} cumulative {} received", peer.address(), p.sequence(), p.cumulative());
                onPayment(ps, p);
            }
            case SpeedMessage.Ack a -> { }
            case SpeedMessage.Error e -> log.info("{}: bt_speed error {}: {}", peer.address(), e.code(), e.message());
            case SpeedMessage.Hello h -> { }
        }
    }

    // ------------------------------------------------------------------ selling

    private void checkChannel(PeerState ps, SpeedMessage.ChannelOpened o) {
        try {
            ChannelInfo ch = ledger.channel(new ChannelId(o.channelId())).orElse(null);
            if (ch == null || ch.status() != ChannelInfo.Status.OPEN || !ch.payee().equals(wallet.address())
                    || !ch.payer().equals(new Address(ps.hello.address())) || ch.escrow() != o.escrow()) {
                synchronized (ps) {
                    ps.checking.remove(java.util.HexFormat.of().formatHex(o.channelId()));
                }
                ps.handle.sendExtended(name(), SpeedCodec.encode(new SpeedMessage.Error(2, "channel not found or not ours")));
                return;
            }
            SpeedMessage.Payment early;
            synchronized (ps) {
                closeOnLedger(ps); // a previous channel with this buyer is settled first
                ps.payee.channelOpened(ch.id(), ch.payerKey(), ch.escrow());
                ps.channelExpiresAt = ch.expiresAtMillis();
                early = ps.checking.remove(java.util.HexFormat.of().formatHex(o.channelId()));
            }
            // a state that raced ahead of the check is taken now rather than refused
            if (early != null) onPayment(ps, early);
        } catch (LedgerException e) {
            synchronized (ps) {
                ps.checking.remove(java.util.HexFormat.of().formatHex(o.channelId()));
            }
            ps.handle.sendExtended(name(), SpeedCodec.encode(new SpeedMessage.Error(8, "ledger unavailable")));
        }
    }

    private void onPayment(PeerState ps, SpeedMessage.Payment p) {
        synchronized (ps) {
            String id = java.util.HexFormat.of().formatHex(p.channelId());
            if (ps.checking.containsKey(id)) {
                SpeedMessage.Payment held = ps.checking.get(id);
                if (held == null || p.sequence() > held.sequence()) ps.checking.put(id, p);
                return;
            }
        }
        ChannelState.Signed s;
        try {
            s = new ChannelState.Signed(new ChannelState(p.channelId(), p.sequence(), p.cumulative()), Signature.decode(p.signature()));
        } catch (RuntimeException e) {
            ps.handle.sendExtended(name(), SpeedCodec.encode(new SpeedMessage.Error(6, "bad signature encoding")));
            return;
        }
        PayeeAccount.Rejection why;
        synchronized (ps) {
            long before = ps.payee.paid();
            why = ps.payee.receive(s);
            if (why == null) {
                earned.addAndGet(ps.payee.paid() - before);
                ps.notifyAll(); // a block may be waiting for this payment
            }
        }
        if (why != null) {
            log.debug("{}: payment seq {} cumulative {} rejected: {}", ps.handle.address(), p.sequence(), p.cumulative(), why);
            ps.handle.sendExtended(name(), SpeedCodec.encode(new SpeedMessage.Error(code(why), why.name().toLowerCase())));
        } else {
            ps.handle.sendExtended(name(), SpeedCodec.encode(new SpeedMessage.Ack(p.channelId(), p.sequence(), ps.payee.debt())));
        }
        updateExposure(ps);
    }

    private static int code(PayeeAccount.Rejection r) {
        return switch (r) {
            case NO_CHANNEL -> 2;
            case STALE_SEQUENCE -> 3;
            case AMOUNT_DECREASED -> 4;
            case OVER_ESCROW -> 5;
            case BAD_SIGNATURE -> 6;
            case WRONG_CHANNEL -> 7;
        };
    }

    /**
     * Billed when the block leaves, not when queued (a queued block is dropped if we choke the buyer),
     * at the price of the last result the buyer was sent before it, from its first block as a
     * winner: a buyer that wins and never opens a channel still owes, and is stopped at the limit.
     */
    @Override
    public void onBlockSent(PeerHandle peer, int piece, int length) {
        if (config.policy() == null) return;
        PeerState ps = peers.get(peer.key());
        if (ps == null) return;
        synchronized (ps) {
            if (ps.gate.billedPrice() == 0) return;
            ps.payee.served(length, ps.gate.billedPrice());
        }
        updateExposure(ps);
    }

    /** Call holding ps: the block can go without the buyer's unpaid debt passing the limit. */
    private static boolean fits(PeerState ps, int length) {
        return ps.gate.fits(ps.payee.debt(), length);
    }

    /** The seller never sends a paid block that would take the buyer's unpaid debt past the exposure limit. */
    @Override
    public boolean mayUpload(PeerHandle peer, int length) {
        if (config.policy() == null) return true;
        PeerState ps = peers.get(peer.key());
        if (ps == null) return true;
        synchronized (ps) {
            return fits(ps, length);
        }
    }

    /**
     * An honest buyer pays as soon as the piece verifies, so the block waits for that payment; one
     * that does not pay in time has the block refused and loses the paid slot until it pays.
     */
    @Override
    public boolean awaitUpload(PeerHandle peer, int length) {
        PeerState ps = peers.get(peer.key());
        if (ps == null || config.policy() == null) return true;
        long start = System.nanoTime(), deadline = start + EXPOSURE_WAIT_NANOS;
        synchronized (ps) {
            // already waited in vain: refuse the rest at once (the choke that follows drops what is queued)
            if (ps.gate.stalled() && !fits(ps, length)) return false;
            ps.heldBlocks++;
            while (!fits(ps, length)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    if (!ps.gate.stalled()) log.debug("{}: no payment for {} ms: paid block refused (debt {}, limit {})", ps.handle.address(),
                            TimeUnit.NANOSECONDS.toMillis(EXPOSURE_WAIT_NANOS), ps.payee.debt(), ps.gate.limit());
                    ps.gate.stall();
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
            return !ps.gate.stalled();
        }
    }

    private void updateExposure(PeerState ps) {
        MarketSlotPolicy policy = config.policy();
        if (policy == null) return;
        long limit;
        boolean over;
        long debt;
        synchronized (ps) {
            debt = ps.payee.debt();
            limit = ps.gate.limit();
            over = ps.gate.overExposed(debt);
            if (over != ps.overExposed) {
                ps.overExposed = over;
                log.debug("{}: {} (debt {}, limit {})", ps.handle.address(), over ? "over-exposed" : "exposure back within limit", debt, limit);
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
        for (PeerState ps : peers.values()) {
            boolean won = r.won(ps.handle.key());
            ps.handle.sendExtended(name(), SpeedCodec.encode(new SpeedMessage.Result(lastResultRound, won,
                    r.clearingPrice(), r.rule().wireName(), r.winners().size())));
            long price = won ? r.clearingPrice() : 0;
            ps.handle.afterQueued(() -> {
                synchronized (ps) {
                    ps.gate.resultDelivered(price);
                    ps.notifyAll();
                }
                updateExposure(ps);
            });
        }
    }

    /** Settles the buyer's current channel on the ledger with the best state we hold (call holding ps). */
    private void closeOnLedger(PeerState ps) {
        ChannelState.Signed best = ps.payee.best();
        ChannelId id = ps.payee.channel();
        if (id == null) return;
        try {
            ledger.closeChannel(new ChannelClose(id, best).sign(wallet));
        } catch (LedgerException e) {
            log.warn("closing channel {} failed: {}", id, e.getMessage());
        }
    }

    // ------------------------------------------------------------------ buying

    private long spendable() {
        long now = System.nanoTime();
        if (balanceCache < 0 || now - balanceAtNanos > TimeUnit.SECONDS.toNanos(5)) {
            try {
                balanceCache = ledger.balance(wallet.address());
                balanceAtNanos = now;
            } catch (LedgerException e) {
                return 0;
            }
        }
        return Math.max(0, Math.min(balanceCache, config.budget() - spent()));
    }

    /**
     * From the tick (under the torrent's lock) and from the ledger worker (a new seller). The bids
     * are sent under {@link #bidLock} so that each goes once; the lock is taken only after the
     * torrent has been asked what remains, so it never waits for the torrent's lock while held.
     */
    private void bidAll() {
        long remaining = remainingBytes.getAsLong();
        long bid = config.spend() ? config.autobid().bid(spendable(), remaining) : 0;
        synchronized (bidLock) {
            sendBids(bid);
        }
    }

    private void sendBids(long bid) {
        for (PeerState ps : peers.values()) {
            if (ps.hello.paidSlots() == 0) continue;
            if (Autobid.shouldRebid(ps.standingBid, bid)) {
                ps.standingBid = bid;
                ps.handle.sendExtended(name(), SpeedCodec.encode(new SpeedMessage.BidMsg(bid)));
            }
            if (bid > 0) {
                // fund the channel while the auction runs: a winner whose channel is still opening
                // has its paid blocks held at the seller's exposure limit until the first payment
                synchronized (ps) {
                    if (ps.payer == null) ps.payer = new PayerAccount(st -> st.sign(wallet));
                    if (ps.payer.channel() == null) openNext(ps);
                }
            }
        }
    }

    private void onResult(PeerState ps, SpeedMessage.Result r) {
        synchronized (ps) {
            ps.won = r.won();
            ps.price = r.price();
            if (!r.won() || !config.spend()) return;
            // one account per seller: what we owe before the channel opens is paid into it
            if (ps.payer == null) ps.payer = new PayerAccount(st -> st.sign(wallet));
            if (ps.payer.channel() == null) openNext(ps);
        }
    }

    private void openChannel(PeerState ps) {
        // never call into the torrent (or the ledger) while holding a peer's monitor: the torrent
        // calls us holding its own lock
        long remaining = remainingBytes.getAsLong();
        long budget = spendable();
        long price;
        synchronized (ps) {
            // before a result, our standing bid: no round clears above the winner's bid
            price = Math.max(1, Math.max(ps.price, ps.standingBid));
        }
        long owed;
        synchronized (ps) {
            owed = ps.payer.unpaid();
        }
        long escrow = Math.min(budget, Math.max(owed, PayerAccount.escrowFor(remaining, price, budget, 4, pieceLength)));
        try {
            if (escrow <= 0) return;
            Address payee = new Address(ps.hello.address());
            ChannelOpen open = new ChannelOpen(wallet.address(), payee, escrow,
                    System.currentTimeMillis() + config.channelLifetimeMillis(), ledger.nextNonce(wallet.address()), memo);
            ledger.openChannel(open.sign(wallet));
            balanceCache = -1;
            synchronized (ps) {
                // announce the channel before any payment in it can be sent: both go through the
                // connection's queue, and sends happen under this monitor, so the order holds
                ps.handle.sendExtended(name(), SpeedCodec.encode(new SpeedMessage.ChannelOpened(open.channelId().bytes(), escrow,
                        open.expiresAtMillis())));
                ps.payer.channelOpened(open.channelId(), escrow);
                // what we owed while it opened (or what the exhausted channel could not pay) goes in now
                if (ps.payer.unpaid() > 0) pay(ps, ps.payer.settle());
            }
        } catch (LedgerException | IllegalArgumentException e) {
            log.info("opening a channel to {} failed: {}", ps.handle.address(), e.getMessage());
        } finally {
            synchronized (ps) {
                ps.opening = false;
            }
        }
    }

    /**
     * Each seller is paid for the bytes of the piece it sent, as it billed them when it sent them:
     * at the price in force now, signed on the payment thread (see {@link #payments}).
     */
    @Override
    public void onPieceVerified(int piece, int size, Map<PeerHandle, Long> bytesByPeer) {
        if (!config.spend() || bytesByPeer.isEmpty()) return;
        for (Map.Entry<PeerHandle, Long> e : bytesByPeer.entrySet()) {
            PeerState ps = peers.get(e.getKey().key());
            long bytes = e.getValue();
            if (ps == null || bytes <= 0) continue;
            long price;
            synchronized (ps) {
                if (!ps.won || ps.payer == null || ps.price == 0) continue;
                price = ps.price;
                ps.paymentsPending++;
            }
            try {
                payments.execute(() -> {
                    synchronized (ps) {
                        try {
                            pay(ps, ps.payer.pieceVerified(bytes, price));
                        } finally {
                            ps.paymentsPending--;
                        }
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                synchronized (ps) {
                    ps.paymentsPending--;
                }
            }
        }
    }

    /** Call holding ps: states leave in sequence order. */
    private void pay(PeerState ps, PayerAccount.Next next) {
        switch (next) {
            case PayerAccount.Pay p -> {
                ChannelState st = p.state().state();
                spentTotal.addAndGet(p.amount());
                log.debug("{}: paying seq {} cumulative {} (+{})", ps.handle.address(), st.sequence(), st.cumulativeAmount(), p.amount());
                // the channel is full and owes more: ask for the next one now, not at the next piece
                if (ps.payer.unpaid() > 0) openNext(ps);
                ps.handle.sendExtended(name(), SpeedCodec.encode(new SpeedMessage.Payment(st.channelId(), st.sequence(),
                        st.cumulativeAmount(), p.state().signature().encode())));
            }
            case PayerAccount.NeedChannel n -> openNext(ps);
        }
    }

    /** Call holding ps. */
    private void openNext(PeerState ps) {
        if (ps.opening) return;
        ps.opening = true;
        ledgerCalls.execute(() -> openChannel(ps));
    }

    /**
     * A completed download keeps its connection to this seller until what we owe has left: the
     * payments still being signed, and the channel being opened for what the last one could not carry.
     */
    @Override
    public boolean holdsConnection(PeerHandle peer) {
        PeerState ps = peers.get(peer.key());
        if (ps == null) return false;
        synchronized (ps) {
            return ps.opening || ps.paymentsPending > 0;
        }
    }

    // ------------------------------------------------------------------ lifecycle

    @Override
    public void onTick(long nowNanos) {
        sendResults();
        bidAll();
        long now = System.currentTimeMillis();
        for (PeerState ps : peers.values()) {
            synchronized (ps) {
                if (ps.payee.channel() != null && ps.channelExpiresAt - now < CLOSE_MARGIN_MILLIS) {
                    ledgerCalls.execute(() -> {
                        synchronized (ps) {
                            closeOnLedger(ps);
                        }
                    });
                    ps.channelExpiresAt = Long.MAX_VALUE;
                }
            }
        }
    }

    @Override
    public void onPeerClosed(PeerHandle peer) {
        PeerState ps = peers.remove(peer.key());
        if (config.policy() != null) config.policy().remove(peer.key());
        if (ps != null) {
            synchronized (ps) {
                ps.notifyAll();
                if (ps.payee.owed() > 0 || ps.payee.paid() > 0) {
                    // the seller's books on this buyer: what it lost is the unpaid part, never above the limit
                    log.info("{}: left: owed {}, paid {}, unpaid {} (exposure limit {}); {} blocks waited {} ms for payment",
                            peer.address(), ps.payee.owed(), ps.payee.paid(), ps.payee.debt(), ps.gate.limit(), ps.heldBlocks,
                            TimeUnit.NANOSECONDS.toMillis(ps.heldNanos));
                }
            }
        }
        if (ps != null && ps.payee.channel() != null) {
            ledgerCalls.execute(() -> {
                synchronized (ps) {
                    closeOnLedger(ps);
                }
            });
        }
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
        for (PeerState ps : peers.values()) {
            if (ps.payee.channel() != null) {
                ledgerCalls.execute(() -> {
                    synchronized (ps) {
                        closeOnLedger(ps);
                    }
                });
            }
        }
        ledgerCalls.shutdown();
        try {
            ledgerCalls.awaitTermination(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
