package io.btspeed.sim;

import io.btspeed.ledger.ChannelInfo;
import io.btspeed.ledger.crypto.KeyPair;
import io.btspeed.ledger.crypto.PublicKey;
import io.btspeed.ledger.crypto.Signature;
import io.btspeed.ledger.op.ChannelState;
import io.btspeed.market.flow.MarketAction;
import io.btspeed.market.flow.PayeeFlow;
import io.btspeed.market.flow.PayerFlow;
import io.btspeed.market.pay.Exposure;
import io.btspeed.market.pay.PayeeAccount;
import io.btspeed.market.pay.Pricing;
import io.btspeed.market.wire.SpeedMessage;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Payments in the simulator through the runtime's own market rules: each paid link (a bidder in one of an
 * uploader's paid slots) carries the buyer's {@link PayerFlow} and the seller's {@link PayeeFlow}, and their
 * {@link MarketAction}s are delivered to each other at once — bids and results are the simulator's own (the
 * auction is the real {@code MarketSlotPolicy}); channels open and close on a {@link SimLedger}. So a channel
 * is opened (escrow priced and sized as at run time, within the {@link io.btspeed.market.policy.Spending}
 * budget), each verified piece is paid with a new state, a full channel is followed by a new one, and a
 * buyer that cannot pay is choked at the seller's exposure limit (the spec's default, {@link Exposure}).
 *
 * <p>Simplifications, because simulated peers are honest: states carry a fixed stand-in signature and
 * are not verified (the curve would dominate a large run); the whole piece is billed when its last byte
 * arrives; a link with no flows costs nothing (only paid links ever get one).
 */
final class SimPayments {
    /** The stand-in for every signature: valid in form, never checked. */
    private static final Signature SIGNATURE = new Signature(BigInteger.ONE, BigInteger.ONE);
    private static final PayeeAccount.Verifier HONEST = (state, key) -> true;

    /** One paid link's two flows (kept on the link too, {@link Link#pair}: no map lookup per paid piece). */
    final class Pair {
        final Link link;
        final PayerFlow payer;
        final PayeeFlow payee;
        long price = -1;
        long round;
        /** Last verdict told to the seller's auction (told again only when it changes). */
        boolean overExposed;
        /** The transfer round in which one of this link's paid pieces was left for the round's settling. */
        long payLaterRound = -1;

        Pair(Link l) {
            link = l;
            payer = new PayerFlow(SimLedger.address(l.up.id), s -> new ChannelState.Signed(s, SIGNATURE),
                    PayerFlow.Config.defaults(pieceSize));
            payee = new PayeeFlow(SimLedger.address(l.up.id), SimLedger.address(l.down.id), payeeConfig, HONEST);
        }
    }

    private final Tokens tokens;
    private final SimLedger ledger;
    private final long pieceSize;
    private final PayeeFlow.Config payeeConfig;
    private final String rule;
    /** Insertion-ordered, so nothing here depends on identity hashes: runs stay deterministic. */
    private final Map<Link, Pair> pairs = new LinkedHashMap<>();
    /** Each payer's pairs, by peer id (null: none); read by every bidder's re-bid each round, so no boxed-key map. */
    @SuppressWarnings("unchecked")
    private List<Pair>[] byPayer = new List[64];

    private List<Pair> pairsOf(int payer) {
        return payer < byPayer.length ? byPayer[payer] : null;
    }
    /** Actions under delivery and which flow each came from ({@link #run} never nests); one per thread that pays. */
    static final class Queues {
        final ArrayDeque<MarketAction> queue = new ArrayDeque<>();
        final ArrayDeque<Boolean> sides = new ArrayDeque<>();
    }

    /** The calling thread's queues (everything but {@link #payInSlice}). */
    private final Queues queues = new Queues();

    /** Told of a seller whose auction a payment may have made want an early round; null: nobody is told. */
    private final DueTurns due;

    SimPayments(Tokens tokens, long pieceSize, String rule) { this(tokens, pieceSize, rule, null); }

    SimPayments(Tokens tokens, long pieceSize, String rule, DueTurns due) {
        this.due = due;
        this.tokens = tokens;
        this.pieceSize = pieceSize;
        this.rule = rule;
        this.ledger = new SimLedger(tokens, PublicKey.of(KeyPair.fromPrivateKey(BigInteger.TWO).publicKey()));
        this.payeeConfig = new PayeeFlow.Config(Exposure.defaultPieces(pieceSize), pieceSize, PayeeFlow.CLOSE_MARGIN_MILLIS);
    }

    /** Escrow a bidder has locked and not yet paid out: with its balance, what it can still pay with. */
    long unspentEscrow(int payer) {
        List<Pair> ps = pairsOf(payer);
        if (ps == null) return 0;
        long sum = 0;
        for (Pair x : ps) sum += x.payer.remainingEscrow();
        return sum;
    }

    private long spendable(SimPeer d) {
        return d.spending.forNewEscrow(tokens.balance(d.id), d.spent, unspentEscrow(d.id));
    }

    /**
     * A piece {@code l.down} got over the paid link {@code l} verified: the seller bills it at the link's
     * clearing price, the buyer pays it, and the seller's exposure rule decides whether the buyer keeps its
     * place in the auction. Returns what the seller was paid (accepted states).
     */
    long paidPiece(Link l, int piece, long remainingBytes, long nowNanos) {
        SimPeer d = l.down;
        long nowMillis = nowNanos / 1_000_000;
        Pair x = l.pair;
        if (x == null) {
            x = new Pair(l);
            pairs.put(l, x);
            l.pair = x;
            if (d.id >= byPayer.length) byPayer = java.util.Arrays.copyOf(byPayer, Math.max(d.id + 1, 2 * byPayer.length));
            if (byPayer[d.id] == null) byPayer[d.id] = new ArrayList<>(4);
            byPayer[d.id].add(x);
        }
        long spentBefore = x.payer.spent(), paidBefore = x.payee.paid(), unpaidBefore = x.payer.unpaid();
        boolean priced = priced(x, l);
        // Only a flow that may open a channel reads what may be locked and one seller's share of what remains
        // (the sellers d bids at are its market uploaders). Both take a walk over d's links and balances, so
        // they are worked out only then: a paying link with room in its channel skips them.
        boolean mayOpen = priced || x.payer.channel() == null
                || x.payer.remainingEscrow() < Math.addExact(Pricing.cost(l.price, pieceSize), x.payer.unpaid());
        long spendable = 0, share = 0, shareBefore = 0;
        if (mayOpen) {
            int sellers = sellersOf(d);
            spendable = spendable(d);
            share = PayerFlow.shareOf(remainingBytes, sellers);
            shareBefore = PayerFlow.shareOf(remainingBytes + pieceSize, sellers);
        }
        if (priced) {
            tellPriced(x, l, spendable, shareBefore, nowMillis, queues, false);
            if (x.payer.channel() != null) spendable = spendable(d); // a channel opened: less may be locked now
        }
        x.payee.onBlockSent(piece, pieceSize, pieceSize);
        run(x, x.payer.onPieceVerified(pieceSize, spendable, share, nowMillis), true, nowMillis);
        if (x.payer.unfunded() && releaseIdleEscrow(d, x, nowMillis)) {
            run(x, x.payer.retryFunding(spendable(d), PayerFlow.shareOf(remainingBytes, sellersOf(d)), nowMillis), true, nowMillis);
        }
        byte over = buyerSide(x, d, spentBefore, unpaidBefore);
        return sellerSide(l, x.payee.paid() - paidBefore, over);
    }

    /**
     * The bid that won {@code l}'s slot, then the round's result when its price changed, reach the flows as they
     * would on the wire. {@code local}: in a delivery slice, with a channel open that takes the piece, where the
     * buyer's spendable tokens and the seller's share do not matter (0).
     */
    private void tellPriced(Pair x, Link l, long spendable, long shareBefore, long nowMillis, Queues q, boolean local) {
        run(x, x.payer.onBid(l.down.standingBid, spendable, shareBefore, nowMillis), true, nowMillis, q, local);
        if (x.price == l.price) return;
        x.price = l.price;
        x.payee.onResultDelivered(l.price);
        run(x, x.payer.onResult(new SpeedMessage.Result(++x.round, true, l.price, rule, 1), local ? 0 : spendable(l.down),
                shareBefore, nowMillis), true, nowMillis, q, local);
    }

    /**
     * After a piece's payment ran: the seller's service gate, its exposure verdict (remembered on the pair) and the
     * buyer's totals. Returns the verdict for the seller's auction, 1 or 0, or -1 when it did not change (or the
     * seller holds no auction).
     */
    private byte buyerSide(Pair x, SimPeer d, long spentBefore, long unpaidBefore) {
        // a block that does not fit now waits for a payment that cannot come (payments here are instant)
        if (!x.payee.mayServe(pieceSize)) x.payee.stall();
        boolean over = x.payee.overExposed();
        byte told = x.link.upMarket && over != x.overExposed ? (byte) (over ? 1 : 0) : -1;
        x.overExposed = over;
        d.spent += x.payer.spent() - spentBefore;
        d.unpaid += x.payer.unpaid() - unpaidBefore;
        d.paidBytes += pieceSize;
        return told;
    }

    /**
     * Pays {@code l}'s verified piece of transfer round {@code round} at once when that touches only the link's own
     * flows and its buyer: the link has flows and the piece, at the link's price, is paid from the open channel
     * ({@link PayerFlow#paysFromChannel}), so no channel opens, nothing reaches the ledger and no escrow is given back
     * elsewhere. A new bid above 0 and a new price reach the flows first, as in {@link #paidPiece} (with a channel open
     * that takes the piece, they only change what it is paid at). What is shared with other buyers waits in
     * {@code r}'s entry {@code k} for {@link #sellerSide}: the seller's earnings and a change of its exposure verdict.
     * Safe on any thread for the buyers it handles alone (a delivery slice).
     *
     * <p>Where their order matters, payments keep it. A link with a piece left for the round's settling leaves its
     * later pieces of the round there too. When an earlier piece of the same buyer over another link was left
     * ({@code buyerWaits}), this one is still paid here if this link's flows had won the slot before it: nothing that
     * waiting payment does can reach them then. It changes only its own link's flows, seller and channel; it gives
     * back escrow only of flows that are not winning ({@link PayerFlow#releasable}); and a payment from an open channel
     * moves escrow into the spent total, which leaves the sum its budget reads unchanged. A flow that is told a new
     * bid or price with this piece waits: a refused price ends the win, and escrow could be given back before it.
     *
     * <p>Returns false, changing nothing but the link's mark, when the piece is to be paid by {@link #paidPiece} when
     * the round settles.
     */
    boolean payInSlice(Link l, int piece, long nowNanos, RoundPart r, int k, long round, boolean buyerWaits) {
        Pair x = l.pair;
        if (x == null) return false; // its flows are made when the round settles, with the piece
        // behind a waiting piece of the buyer, only a flow that won before and is told nothing new with this piece (a
        // new price could be refused, ending the win, and the waiting payment could then give its escrow back)
        boolean inOrder = x.payLaterRound != round && (!buyerWaits || x.payer.won() && !priced(x, l));
        if (inOrder && payFromChannel(x, l, piece, nowNanos / 1_000_000, r, k)) return true;
        x.payLaterRound = round;
        return false;
    }

    /** The buyer's standing bid or the link's price changed since its flows were last told (they are told first). */
    private static boolean priced(Pair x, Link l) {
        return x.payer.standingBid() != l.down.standingBid || x.price != l.price;
    }

    private boolean payFromChannel(Pair x, Link l, int piece, long nowMillis, RoundPart r, int k) {
        if (!x.payer.paysFromChannel(pieceSize, l.price, nowMillis)) return false;
        SimPeer d = l.down;
        boolean priced = priced(x, l);
        if (priced && d.standingBid <= 0) return false; // a withdrawn bid reaches the seller's auction
        long spentBefore = x.payer.spent(), paidBefore = x.payee.paid(), unpaidBefore = x.payer.unpaid();
        if (priced) tellPriced(x, l, 0, 0, nowMillis, r.payQueues, true);
        x.payee.onBlockSent(piece, pieceSize, pieceSize);
        run(x, x.payer.onPieceVerified(pieceSize, 0, 0, nowMillis), true, nowMillis, r.payQueues, true);
        if (x.payer.unfunded()) throw new IllegalStateException("a piece paid from its channel left a bill unfunded");
        r.paidOver[k] = buyerSide(x, d, spentBefore, unpaidBefore);
        r.paidEarned[k] = x.payee.paid() - paidBefore;
        return true;
    }

    /**
     * The seller's side of a paid piece (for {@link #payInSlice}, when the round settles): its earnings (returned) and
     * its auction's exposure verdict for the buyer ({@code over} 1 or 0; -1 when it did not change).
     */
    long sellerSide(Link l, long earned, byte over) {
        SimPeer u = l.up;
        if (over >= 0) {
            u.market.setOverExposed(l.down.key, over == 1);
            if (due != null) due.marketTouched(u);
        }
        u.earned += earned;
        u.earnedSinceTick += earned;
        return earned;
    }

    /**
     * The buyer of {@code l} lost its paid slot: the round's result (lost) reaches both flows, as it would on the
     * wire, so the buyer's flow knows it is not winning there (what {@link PayerFlow#release} asks).
     */
    void slotLost(Link l, long nowNanos) {
        Pair x = l.pair;
        if (x == null || x.price <= 0) return;
        long nowMillis = nowNanos / 1_000_000;
        x.price = 0;
        x.payee.onResultDelivered(0);
        run(x, x.payer.onResult(new SpeedMessage.Result(++x.round, false, 0, rule, 0), spendable(l.down), 0, nowMillis), true,
                nowMillis);
    }

    /** Pairs whose seller will settle a done buyer's channel at a coming round ({@link PayeeFlow#onTick}). */
    private final java.util.LinkedHashSet<Pair> settling = new java.util.LinkedHashSet<>();

    /** Once a round: sellers settle the channels of buyers that are done (the escrow goes back to the buyer). */
    void tick(long nowNanos) {
        if (settling.isEmpty()) return;
        long nowMillis = nowNanos / 1_000_000;
        for (var it = settling.iterator(); it.hasNext(); ) {
            Pair x = it.next();
            if (x.link.pair != x) {
                it.remove(); // the link closed meanwhile and settled then
                continue;
            }
            run(x, x.payee.onTick(nowMillis), false, nowMillis);
            if (!x.payee.settling()) it.remove();
        }
    }

    /** The market uploaders {@code d} bids at. */
    private static int sellersOf(SimPeer d) {
        int sellers = 0;
        for (int k = 0; k < d.in.size(); k++) if (d.in.get(k).upMarket) sellers++;
        return sellers;
    }

    /**
     * {@code x}'s bill could not be funded: the buyer gives back the escrow of its idle channels (the market's
     * {@link PayerFlow#release}; each seller settles a few seconds later, nothing being owed there ({@link #tick})). The runtime's autobid
     * bids again at those sellers a second later; here the standing bid goes straight back into their auctions.
     * Returns whether any escrow came back.
     */
    private boolean releaseIdleEscrow(SimPeer d, Pair x, long nowMillis) {
        boolean any = false;
        for (Pair y : pairsOf(d.id)) {
            if (y == x || !y.payer.releasable()) continue;
            run(y, y.payer.release(), true, nowMillis);
            if (y.payee.settling()) settling.add(y);
            if (y.link.upMarket && d.standingBid > 0) {
                y.link.up.market.bid(d.key, d.standingBid);
                if (due != null) due.marketTouched(y.link.up);
            }
            any = true;
        }
        return any;
    }

    /** The link closed (either side left): the seller settles the buyer's channel. */
    void linkClosed(Link l) {
        Pair x = pairs.remove(l);
        if (x == null) return;
        l.pair = null;
        List<Pair> ps = pairsOf(l.down.id);
        if (ps != null) {
            ps.remove(x);
            if (ps.isEmpty()) byPayer[l.down.id] = null;
        }
        run(x, x.payee.onPeerLeft(), false, 0);
    }

    /** The buyer has every piece: each seller it paid settles now. */
    void buyerComplete(SimPeer d) {
        for (Link l : d.in) {
            Pair x = l.pair;
            if (x != null) run(x, x.payee.onPeerComplete(), false, 0);
        }
    }

    /** The run ends: every channel still open settles, so balances are final. */
    void settleAll() {
        for (Pair x : new ArrayList<>(pairs.values())) run(x, x.payee.onPeerLeft(), false, 0);
    }

    int openChannels() {
        return ledger.openChannels();
    }

    /** Channels opened over the run. */
    long channelsOpened() {
        return ledger.opened();
    }

    /** Whether the seller of {@code l} keeps its buyer out of the paid slots (false when the link carries no flows). */
    boolean overExposed(Link l) {
        Pair x = l.pair;
        return x != null && x.payee.overExposed();
    }

    /** The seller's unpaid bill for {@code l}'s buyer (0 when the link carries no flows). */
    long debt(Link l) {
        Pair x = l.pair;
        return x == null ? 0 : x.payee.debt();
    }

    /**
     * Delivers actions between the two flows until none are left, in order: what the buyer sends reaches the
     * seller's flow and the other way round; ledger actions go to the book.
     */
    private void run(Pair x, List<MarketAction> first, boolean fromPayer, long nowMillis) {
        run(x, first, fromPayer, nowMillis, queues, false);
    }

    /**
     * {@link #run(Pair, List, boolean, long)} with the given queues; {@code local}: the caller only handles this
     * link's buyer (a delivery slice), so anything that would reach the ledger or a seller's auction is a bug.
     */
    private void run(Pair x, List<MarketAction> first, boolean fromPayer, long nowMillis, Queues q, boolean local) {
        if (first.isEmpty()) return;
        ArrayDeque<MarketAction> queue = q.queue;
        ArrayDeque<Boolean> sides = q.sides;
        for (MarketAction a : first) {
            queue.add(a);
            sides.add(fromPayer);
        }
        while (!queue.isEmpty()) {
            MarketAction a = queue.poll();
            boolean payerSide = sides.poll();
            List<MarketAction> more = List.of();
            boolean moreFromPayer = payerSide;
            switch (a) {
                case MarketAction.Send s when payerSide -> {
                    moreFromPayer = false;
                    more = switch (s.message()) {
                        case SpeedMessage.ChannelOpened o -> x.payee.onChannelAnnounced(o);
                        case SpeedMessage.Payment p -> x.payee.onPayment(p);
                        case SpeedMessage.BidMsg b -> {
                            // the buyer cannot fund a channel for what it owes: it withdraws its bid at this seller
                            // (raising bids is the simulator's autobid, which reaches every seller directly)
                            if (b.price() == 0 && x.link.upMarket) {
                                if (local) throw new IllegalStateException("a bid withdrawn while paying in a slice");
                                x.link.up.market.withdraw(x.link.down.key);
                            }
                            yield x.payee.onBid(b.price(), nowMillis);
                        }
                        default -> List.of(); // a buyer's err changes nothing
                    };
                }
                case MarketAction.Send s -> {
                    moreFromPayer = true;
                    more = switch (s.message()) {
                        case SpeedMessage.Ack k -> x.payer.onAck(k);
                        case SpeedMessage.Error e -> x.payer.onError(e);
                        default -> List.of();
                    };
                }
                case MarketAction.OpenChannel o when local -> throw new IllegalStateException("a channel opened while paying in a slice");
                case MarketAction.LookUpChannel c when local -> throw new IllegalStateException("a ledger lookup while paying in a slice");
                case MarketAction.CloseChannel c when local -> throw new IllegalStateException("a channel closed while paying in a slice");
                case MarketAction.RefundExpired r when local -> throw new IllegalStateException("a refund while paying in a slice");
                case MarketAction.OpenChannel o -> {
                    ChannelInfo info = ledger.open(x.link.down.id, SimLedger.peer(o.payee()), o.escrow(), o.expiresAtMillis());
                    more = info == null ? x.payer.onChannelOpenFailed()
                            : x.payer.onChannelOpened(info.id(), info.escrow(), info.expiresAtMillis());
                }
                case MarketAction.LookUpChannel c -> {
                    ChannelInfo info = ledger.channel(c.channel());
                    more = info == null ? x.payee.onChannelNotFound(c.channel()) : x.payee.onChannelChecked(info, nowMillis);
                }
                case MarketAction.CloseChannel c -> ledger.close(c.channel(), c.amount());
                case MarketAction.RefundExpired r -> ledger.close(r.channel(), 0);
            }
            for (MarketAction m : more) {
                queue.add(m);
                sides.add(moreFromPayer);
            }
        }
    }
}
