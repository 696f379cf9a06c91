package io.btspeed.app.market;

import io.btspeed.engine.ext.PeerHandle;
import io.btspeed.engine.ext.TorrentExtension;
import io.btspeed.ledger.Ledger;
import io.btspeed.ledger.crypto.Address;
import io.btspeed.ledger.crypto.KeyPair;
import io.btspeed.ledger.crypto.PublicKey;
import io.btspeed.ledger.op.ChannelState;
import io.btspeed.market.auction.ClearingRule;
import io.btspeed.market.flow.MarketAction;
import io.btspeed.market.flow.PayeeFlow;
import io.btspeed.market.flow.PayerFlow;
import io.btspeed.market.policy.Autobid;
import io.btspeed.market.policy.MarketSlotPolicy;
import io.btspeed.market.policy.Spending;
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
 * The {@code bt_speed} extension at run time (docs/spec/speed-extension.md): I/O glue around the pure
 * market rules. Every buyer and seller rule lives in {@link PayerFlow} and {@link PayeeFlow} (one of
 * each per market peer, see {@link MarketPeer}), the auction in {@link MarketSlotPolicy}; this class
 * turns torrent events and wire messages into flow events, and the flows' {@link MarketAction}s into
 * messages ({@link SpeedCodec}) and ledger calls ({@link LedgerCalls}, on a background thread, never
 * under the torrent's lock). Payments are signed on the {@code market-pay} thread, never on the
 * torrent's disk thread. One instance per torrent; it can buy and sell at the same time. This class
 * holds the handshake, the message dispatch and the lifecycle; the selling hooks (billing, the
 * exposure wait, results) are in {@link SellerSide}, the buying ones (bids, payments) in
 * {@link BuyerSide}, the running of flow events and their actions in {@link FlowActions}.
 */
public final class MarketExtension implements TorrentExtension, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MarketExtension.class);
    /** How this peer takes part. {@code policy} null: it does not sell; {@code spend} false: it does not buy. */
    public record Config(String ledgerId, MarketSlotPolicy policy, int exposurePieces, boolean spend, long budget,
                         Autobid autobid, long channelLifetimeMillis) {}

    private final KeyPair wallet;
    private final Ledger ledger;
    private final Config config;
    private final int pieceLength;
    private final LedgerCalls ledgerCalls;
    private final Map<Integer, MarketPeer> peers = new ConcurrentHashMap<>();
    private final SpendableBalance spendable;
    private final FlowActions flows;
    private final SellerSide seller;
    private final BuyerSide buyer;

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
        this.ledgerCalls = new LedgerCalls(ledger, wallet, memo);
        AtomicLong spentTotal = new AtomicLong(), unspentEscrow = new AtomicLong();
        this.spendable = new SpendableBalance(ledger, wallet.address(), new Spending(config.spend(), config.budget()),
                spentTotal::get, unspentEscrow::get);
        this.seller = new SellerSide(config.policy(), peers, pieceLength);
        this.flows = new FlowActions(ledgerCalls, spendable, spentTotal, unspentEscrow, seller::updateExposure);
        this.buyer = new BuyerSide(config.spend(), config.autobid(), peers, flows, spendable, remainingBytes);
        warmUp(wallet);
    }

    /**
     * Signs, verifies, encodes and decodes one payment state before the torrent starts: the first
     * use loads libsecp256k1 (its loader extracts the native library and compares it byte by byte,
     * a loop the JIT compiles) and the classes of the payment path. Left to the first verified
     * piece, that work fell inside the transfer, on both peers' busy cores.
     */
    static void warmUp(KeyPair wallet) {
        ChannelState.Signed s = new ChannelState(new byte[32], 1, 1).sign(wallet);
        if (!s.verify(PublicKey.of(wallet.publicKey()))) throw new IllegalStateException("a fresh payment state does not verify");
        SpeedMessage.Payment p = new SpeedMessage.Payment(new byte[32], 1, 1, s.signature().encode());
        if (!SpeedCodec.decode(SpeedCodec.encode(p)).equals(p)) throw new IllegalStateException("a payment does not survive its codec");
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
        return flows.spent();
    }

    public long earned() {
        return flows.earned();
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
        if (payer != null) buyer.sellers.incrementAndGet();
        if (old != null && old.payer != null) {
            buyer.sellers.decrementAndGet();
            flows.forget(old);
        }
        // bid now rather than at the next tick: the seller may run its auction before then (the
        // balance lookup is a ledger call, so not here under the torrent's lock)
        if (buys) ledgerCalls.execute(buyer::bidFromLedgerThread);
    }

    @Override
    public void onMessage(PeerHandle peer, byte[] payload) {
        MarketPeer ps = peers.get(peer.key());
        if (ps == null) return; // not a market peer for us: its messages mean nothing here
        SpeedMessage m = SpeedCodec.decode(payload); // a malformed message is a protocol violation
        switch (m) {
            case SpeedMessage.BidMsg b -> {
                if (config.policy() != null) config.policy().bid(peer.key(), b.price());
                if (ps.payee != null) flows.selling(ps, () -> ps.payee.onBid(b.price(), System.currentTimeMillis()));
            }
            case SpeedMessage.Result r -> {
                log.debug("{}: result round {} won {} price {}", peer.address(), r.round(), r.won(), r.price());
                if (ps.payer == null) return;
                long share = buyer.share(), budget = spendable.get();
                flows.paying(ps, () -> ps.payer.onResult(r, budget, share, System.currentTimeMillis()));
            }
            case SpeedMessage.ChannelOpened o -> {
                if (ps.payee != null) flows.selling(ps, () -> ps.payee.onChannelAnnounced(o));
            }
            case SpeedMessage.Payment p -> {
                if (ps.payee != null) {
                    flows.selling(ps, () -> ps.payee.onPayment(p));
                    seller.updateExposure(ps);
                }
            }
            case SpeedMessage.Ack a -> {
                if (ps.payer != null) flows.paying(ps, () -> ps.payer.onAck(a));
            }
            case SpeedMessage.Error e -> {
                log.info("{}: bt_speed error {}: {}", peer.address(), e.code(), e.message());
                if (ps.payer != null) flows.paying(ps, () -> ps.payer.onError(e));
            }
            case SpeedMessage.Hello h -> { }
        }
    }

    // ------------------------------------------------------------------ selling: SellerSide

    @Override
    public void onBlockSent(PeerHandle peer, int piece, int length) {
        seller.onBlockSent(peer, piece, length);
    }

    @Override
    public boolean mayUpload(PeerHandle peer, int length) {
        return seller.mayUpload(peer, length);
    }

    @Override
    public boolean awaitUpload(PeerHandle peer, int length) {
        return seller.awaitUpload(peer, length);
    }

    // ------------------------------------------------------------------ buying: BuyerSide

    @Override
    public void onPieceVerified(int piece, int size, Map<PeerHandle, Long> bytesByPeer) {
        buyer.onPieceVerified(piece, size, bytesByPeer);
    }

    @Override
    public void onPieceFailed(int piece, Set<PeerHandle> from) {
        buyer.onPieceFailed(piece, from);
    }

    @Override
    public boolean holdsConnection(PeerHandle peer) {
        return buyer.holdsConnection(peer);
    }

    // ------------------------------------------------------------------ lifecycle

    @Override
    public void onTick(long nowNanos) {
        seller.sendResults();
        buyer.bidAll();
        buyer.retryFunding();
        if (spendable.stale()) ledgerCalls.execute(spendable::refresh);
        long now = System.currentTimeMillis();
        for (MarketPeer ps : peers.values()) {
            if (ps.payee != null) flows.selling(ps, () -> ps.payee.onTick(now));
            if (ps.payer != null) flows.paying(ps, () -> ps.payer.onTick(now));
        }
    }

    /** Seen only when the buyer's bitfield says so (see {@link PayeeFlow#onBid} for the usual sign). */
    @Override
    public void onPeerComplete(PeerHandle peer) {
        MarketPeer ps = peers.get(peer.key());
        if (ps != null && ps.payee != null) flows.selling(ps, () -> ps.payee.onBuyerComplete(System.currentTimeMillis()));
    }

    @Override
    public void onPeerClosed(PeerHandle peer) {
        MarketPeer ps = peers.remove(peer.key());
        if (ps != null && ps.payer != null) {
            buyer.sellers.decrementAndGet();
            flows.forget(ps);
        }
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
        flows.selling(ps, ps.payee::onPeerLeft);
    }

    /** Sends the payments still being signed, settles every channel we were paid in, then stops the workers (bounded waits). */
    @Override
    public void close() {
        buyer.close();
        for (MarketPeer ps : peers.values()) {
            if (ps.payee != null) flows.selling(ps, ps.payee::onPeerLeft);
        }
        ledgerCalls.close();
    }
}
