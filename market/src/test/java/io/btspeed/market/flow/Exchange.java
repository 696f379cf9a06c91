package io.btspeed.market.flow;

import io.btspeed.core.choke.ChokeContext;
import io.btspeed.core.choke.PeerStats;
import io.btspeed.core.choke.TitForTatPolicy;
import io.btspeed.core.choke.UnchokeDecision;
import io.btspeed.ledger.ChannelId;
import io.btspeed.ledger.Ledger;
import io.btspeed.ledger.LedgerException;
import io.btspeed.ledger.TokenInfo;
import io.btspeed.ledger.crypto.KeyPair;
import io.btspeed.ledger.op.ChannelClose;
import io.btspeed.ledger.op.ChannelOpen;
import io.btspeed.ledger.op.ChannelState;
import io.btspeed.ledger.store.SqliteLedger;
import io.btspeed.market.auction.AuctionResult;
import io.btspeed.market.auction.ClearingRule;
import io.btspeed.market.pay.Pricing;
import io.btspeed.market.policy.Autobid;
import io.btspeed.market.policy.MarketSlotPolicy;
import io.btspeed.market.policy.Spending;
import io.btspeed.market.wire.SpeedCodec;
import io.btspeed.market.wire.SpeedMessage;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One buyer and one seller exchanging pieces round by round, with every message through the codec,
 * the seller's slots decided by {@link MarketSlotPolicy}, a competing bidder and a plain peer, and a
 * real embedded ledger (opened, checked, closed and refunded through the flows' actions). The buyer
 * may cheat in one of several ways; the test then checks what the seller lost.
 */
final class Exchange implements AutoCloseable {
    enum Cheat { NONE, STOP_PAYING, FORGE, REPLAY, OVER_ESCROW }

    static final int BUYER = 1, RIVAL = 2, PLAIN = 3;
    static final long ROUND_MILLIS = 10_000;
    static final long SUPPLY = 1_000_000_000_000L;

    final KeyPair buyerKey = KeyPair.fromPrivateKey(BigInteger.valueOf(1001));
    final KeyPair sellerKey = KeyPair.fromPrivateKey(BigInteger.valueOf(1002));
    final KeyPair mallory = KeyPair.fromPrivateKey(BigInteger.valueOf(1003));
    final AtomicLong now = new AtomicLong(1_700_000_000_000L);
    final Ledger ledger;
    final PayerFlow buyer;
    final PayeeFlow seller;
    final MarketSlotPolicy policy;
    final Spending spending;
    final Autobid autobid = Autobid.DEFAULT;
    final Random rnd;
    final long pieceBytes;
    final int piecesPerRound;
    final double failureRate;
    final Cheat cheat;
    final int honestPieces;

    long remaining;
    int nextPiece;
    long round;
    long verifiedCost;
    long servedCost;
    long failedCost;
    int verifiedPieces;
    long maxDebtSeen;
    long maxLimitSeen;
    long paidOnLedger;
    int channelsOpened;
    int channelsClosed;
    int errorsToBuyer;
    long rivalBid;
    boolean buyerWonAfterCheatAndOverLimit;
    final List<String> log = new ArrayList<>();
    private SpeedMessage.Payment firstPayment;

    Exchange(Path dir, long seed, ClearingRule rule, long totalBytes, long pieceBytes, int piecesPerRound, double failureRate,
             long budget, Cheat cheat, int honestPieces, PayerFlow.Config payerCfg, PayeeFlow.Config payeeCfg) {
        this.rnd = new Random(seed);
        this.ledger = SqliteLedger.create(dir.resolve("ledger-" + seed + "-" + cheat + ".db"), new TokenInfo("BTT", 6, SUPPLY),
                buyerKey.address(), () -> java.time.Instant.ofEpochMilli(now.get()));
        this.buyer = new PayerFlow(sellerKey.address(), s -> s.sign(buyerKey), payerCfg);
        this.seller = new PayeeFlow(sellerKey.address(), buyerKey.address(), payeeCfg);
        this.policy = new MarketSlotPolicy(1, rule, 0, new TitForTatPolicy(new Random(seed)));
        this.spending = new Spending(true, budget);
        this.remaining = totalBytes;
        this.pieceBytes = pieceBytes;
        this.piecesPerRound = piecesPerRound;
        this.failureRate = failureRate;
        this.cheat = cheat;
        this.honestPieces = honestPieces;
    }

    long spendableForEscrow() {
        return spending.forNewEscrow(ledger.balance(buyerKey.address()), buyer.spent(), buyer.remainingEscrow());
    }

    boolean cheating() {
        return cheat != Cheat.NONE && verifiedPieces > honestPieces;
    }

    /** Runs until the download completes or {@code maxRounds} pass, then settles everything. */
    void run(int maxRounds) {
        while (remaining > 0 && round < maxRounds) round();
        fromSeller(remaining == 0 ? seller.onPeerComplete() : seller.onPeerLeft());
        fromSeller(seller.onPeerLeft()); // a second trigger must not close twice
        // long after every channel expired: the buyer reclaims what nobody closed
        now.addAndGet(2 * ChannelOpen.DEFAULT_LIFETIME_MILLIS);
        fromBuyer(buyer.onTick(now.get()));
    }

    void round() {
        round++;
        now.addAndGet(ROUND_MILLIS);
        fromBuyer(buyer.onTick(now.get()));
        fromSeller(seller.onTick(now.get()));

        long target = spending.target(autobid, ledger.balance(buyerKey.address()), buyer.spent(), buyer.remainingEscrow(), remaining);
        fromBuyer(buyer.rebid(target));
        // a rival bids around the buyer's level, so the buyer wins some rounds and the price moves
        rivalBid = Math.max(1, target / 2 + rnd.nextLong(Math.max(1, target)));
        policy.bid(RIVAL, rivalBid);

        policy.setOverExposed(BUYER, seller.shouldChoke());
        List<PeerStats> peers = List.of(new PeerStats(BUYER, true, true, 0, 0, false, false, 0, true),
                new PeerStats(RIVAL, true, true, 0, 0, false, false, 0, true),
                new PeerStats(PLAIN, true, true, 0, 0, false, false, 0, false));
        UnchokeDecision d = policy.decide(peers, new ChokeContext(now.get() * 1_000_000, true, 2, round));
        AuctionResult a = policy.lastAuction();
        if (!d.unchoked().contains(PLAIN) && d.optimistic() != PLAIN && !d.unchoked().contains(RIVAL) && !d.unchoked().contains(BUYER)) {
            throw new AssertionError("nobody unchoked");
        }
        toBuyer(new SpeedMessage.Result(round, a.won(BUYER), a.clearingPrice(), a.rule().wireName(), a.winners().size()));
        if (cheating() && seller.debt() >= seller.exposureLimit() && d.paid().contains(BUYER)) buyerWonAfterCheatAndOverLimit = true;
        if (!d.paid().contains(BUYER)) return;

        long price = a.clearingPrice();
        for (int i = 0; i < piecesPerRound && remaining > 0; i++) {
            long bytes = Math.min(pieceBytes, remaining);
            if (!seller.mayServe(bytes, price)) {
                log.add("round " + round + ": holding requests, debt " + seller.debt());
                break;
            }
            int piece = nextPiece;
            seller.onServed(piece, bytes, bytes, price);
            servedCost += Pricing.cost(price, bytes);
            track();
            if (rnd.nextDouble() < failureRate) {
                failedCost += Pricing.cost(price, bytes);
                fromBuyer(buyer.onPieceFailed(bytes)); // fetched again, from this seller: owed once
                continue;
            }
            nextPiece++;
            remaining -= bytes;
            verifiedPieces++;
            verifiedCost += Pricing.cost(price, bytes);
            fromBuyer(buyer.onPieceVerified(bytes, spendableForEscrow(), remaining, now.get()));
            track();
            policy.setOverExposed(BUYER, seller.shouldChoke());
        }
    }

    private void track() {
        maxDebtSeen = Math.max(maxDebtSeen, seller.debt());
        maxLimitSeen = Math.max(maxLimitSeen, seller.exposureLimit());
    }

    /** Carries the buyer's actions out: messages over the wire (maybe tampered), ledger calls. */
    void fromBuyer(List<MarketAction> actions) {
        Deque<MarketAction> q = new ArrayDeque<>(actions);
        while (!q.isEmpty()) {
            switch (q.poll()) {
                case MarketAction.Send s -> {
                    SpeedMessage m = wire(s.message());
                    if (m instanceof SpeedMessage.Payment p) {
                        if (firstPayment == null) firstPayment = p;
                        m = tamper(p);
                        if (m == null) continue;
                    }
                    switch (m) {
                        case SpeedMessage.BidMsg b -> policy.bid(BUYER, b.price());
                        case SpeedMessage.ChannelOpened o -> fromSeller(seller.onChannelAnnounced(o));
                        case SpeedMessage.Payment p -> fromSeller(seller.onPayment(p));
                        default -> throw new AssertionError("buyer sent " + m);
                    }
                }
                case MarketAction.OpenChannel o -> {
                    ChannelOpen open = new ChannelOpen(buyerKey.address(), o.payee(), o.escrow(), o.expiresAtMillis(),
                            ledger.nextNonce(buyerKey.address()), "exchange");
                    try {
                        ledger.openChannel(open.sign(buyerKey));
                        channelsOpened++;
                        q.addAll(buyer.onChannelOpened(open.channelId(), o.escrow(), o.expiresAtMillis()));
                    } catch (LedgerException e) {
                        log.add("open failed: " + e.getMessage());
                        q.addAll(buyer.onChannelOpenFailed());
                    }
                }
                case MarketAction.RefundExpired r -> {
                    try {
                        ledger.refundExpired(r.channel());
                    } catch (LedgerException e) {
                        // already closed by the seller: nothing left to reclaim
                    }
                }
                case MarketAction a -> throw new AssertionError("a buyer does not " + a);
            }
        }
    }

    /** A cheating buyer rewrites its payment states after the honest part. */
    private SpeedMessage tamper(SpeedMessage.Payment p) {
        if (!cheating()) return p;
        return switch (cheat) {
            case NONE -> p;
            case STOP_PAYING -> null;
            case FORGE -> new SpeedMessage.Payment(p.channelId(), p.sequence(), p.cumulative(),
                    new ChannelState(p.channelId(), p.sequence(), p.cumulative()).sign(mallory).signature().encode());
            case REPLAY -> firstPayment;
            case OVER_ESCROW -> {
                long escrow = ledger.channel(new ChannelId(p.channelId())).orElseThrow().escrow();
                ChannelState st = new ChannelState(p.channelId(), p.sequence(), escrow + 1);
                yield new SpeedMessage.Payment(p.channelId(), p.sequence(), escrow + 1, st.sign(buyerKey).signature().encode());
            }
        };
    }

    void fromSeller(List<MarketAction> actions) {
        for (MarketAction a : actions) {
            switch (a) {
                case MarketAction.Send s -> toBuyer(s.message());
                case MarketAction.LookUpChannel l -> {
                    var info = ledger.channel(l.channel());
                    fromSeller(info.isPresent() ? seller.onChannelChecked(info.get(), now.get()) : seller.onChannelLookupFailed(l.channel()));
                }
                case MarketAction.CloseChannel c -> {
                    ledger.closeChannel(new ChannelClose(c.channel(), c.best()).sign(sellerKey));
                    channelsClosed++;
                    paidOnLedger += c.amount();
                }
                default -> throw new AssertionError("a seller does not " + a);
            }
        }
    }

    void toBuyer(SpeedMessage m) {
        switch (wire(m)) {
            case SpeedMessage.Result r -> fromBuyer(buyer.onResult(r, spendableForEscrow(), remaining, now.get()));
            case SpeedMessage.Ack a -> fromBuyer(buyer.onAck(a));
            case SpeedMessage.Error e -> {
                errorsToBuyer++;
                fromBuyer(buyer.onError(e));
            }
            default -> throw new AssertionError("seller sent " + m);
        }
    }

    /** Every message crosses the wire as bytes and is decoded strictly on the other side. */
    private static SpeedMessage wire(SpeedMessage m) {
        return SpeedCodec.decode(SpeedCodec.encode(m));
    }

    String stats() {
        return "rounds " + round + " verified " + verifiedPieces + " cost " + verifiedCost + " served " + servedCost + " failed " + failedCost
                + " spent " + buyer.spent() + " paid " + seller.paid() + " debt " + seller.debt() + " maxDebt " + maxDebtSeen + " maxLimit "
                + maxLimitSeen + " opened " + channelsOpened + " closed " + channelsClosed + " errors " + errorsToBuyer + " remaining " + remaining;
    }

    @Override
    public void close() {
        if (System.getenv("EXCHANGE_STATS") != null) System.out.println(cheat + ": " + stats());
        ledger.close();
    }
}
