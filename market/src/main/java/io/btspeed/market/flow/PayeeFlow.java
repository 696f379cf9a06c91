package io.btspeed.market.flow;

import io.btspeed.ledger.ChannelId;
import io.btspeed.ledger.ChannelInfo;
import io.btspeed.ledger.crypto.Address;
import io.btspeed.ledger.crypto.Signature;
import io.btspeed.ledger.op.ChannelState;
import io.btspeed.market.pay.Exposure;
import io.btspeed.market.pay.ExposureGate;
import io.btspeed.market.pay.PayeeAccount;
import io.btspeed.market.pay.PieceBills;
import io.btspeed.market.pay.Pricing;
import io.btspeed.market.wire.ErrorCode;
import io.btspeed.market.wire.SpeedMessage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The uploader's side of the market towards one paying downloader (spec §5 and §8): it checks an
 * announced channel on the ledger (through the driver), verifies every payment state against the
 * payer key the ledger recorded, acknowledges or refuses it, keeps the debt (served − paid) against
 * the exposure limit, and closes the channel with the best state when the peer leaves, when the
 * peer is complete, and before expiry. Events in, {@link MarketAction}s out; time is passed in.
 *
 * <p>Billing (spec §4): tell the flow when each auction result reaches the buyer
 * ({@link #onResultDelivered}); every block written after a "won at P" result is billed at P with
 * {@link #onBlockSent}, per piece: a piece's bill is {@code cost(P, bytes sent of it)}, rounded once
 * per piece exactly as the buyer rounds its payment (rounding per block would bill less than the
 * buyer pays).
 *
 * <p>Exposure (spec §5.3): the limit is {@code exposurePieces} pieces at the last price billed. Ask
 * {@link #mayServe(long)} before writing a paid block; a block that does not fit waits for a
 * payment, and if none comes the driver calls {@link #stall()}. Feed {@link #overExposed()} to
 * {@code MarketSlotPolicy.setOverExposed} after every event: a stalled buyer, or one whose debt
 * passed the limit, gets no paid slot until its payments leave room for a block again.
 */
public final class PayeeFlow {
    /** Where the flow is (spec §8, uploader). */
    public enum Phase { UNFUNDED, CHECKING, FUNDED, OVER_EXPOSED, CLOSED }

    /**
     * @param exposurePieces   unpaid pieces tolerated (default 2)
     * @param pieceBytes       the torrent's piece length
     * @param closeMarginMillis close this long before the channel's expiry (a close after expiry pays nothing)
     */
    public record Config(int exposurePieces, long pieceBytes, long closeMarginMillis) {
        public Config {
            if (exposurePieces < 0 || pieceBytes < 1 || closeMarginMillis < 0) throw new IllegalArgumentException("bad payee config");
        }

        /** The spec's defaults: the exposure of {@link Exposure#defaultPieces}, closing 1 h before expiry. */
        public static Config defaults(long pieceBytes) {
            return new Config(Exposure.defaultPieces(pieceBytes), pieceBytes, CLOSE_MARGIN_MILLIS);
        }
    }

    /** Channels are closed this long before expiry (spec §5.4): a close after expiry cannot pay out. */
    public static final long CLOSE_MARGIN_MILLIS = 60 * 60 * 1000L;

    private static int checkedPieceBytes(long pieceBytes) {
        if (pieceBytes > Integer.MAX_VALUE) throw new IllegalArgumentException("piece too large");
        return (int) pieceBytes;
    }

    private final Address self;
    private final Address payer;
    private final Config config;
    /** Exposure is judged by the gate against the current price, so the account's own limit is unused. */
    private final PayeeAccount account;
    private final ExposureGate gate;
    /** Announcements that arrive while another channel is being checked wait here (a buyer that fills one channel opens the next at once). */
    static final int MAX_WAITING = 2;
    private ChannelId checking;
    private long announcedEscrow;
    private SpeedMessage.Payment early;
    private final java.util.ArrayDeque<SpeedMessage.ChannelOpened> waiting = new java.util.ArrayDeque<>();
    private final Map<ChannelId, SpeedMessage.Payment> earlyWaiting = new HashMap<>();
    private long channelExpiresAt;
    private boolean closed;
    private long price;
    private final PieceBills billed = new PieceBills();

    /**
     * @param self  our ledger address (channels must pay it)
     * @param payer the downloader's address from its handshake (channels must come from it)
     */
    public PayeeFlow(Address self, Address payer, Config config) {
        this(self, payer, config, PayeeAccount.Verifier.SECP256K1);
    }

    /** @param verifier checks the payer's signature on each state (the simulator, whose peers are honest, skips the curve) */
    public PayeeFlow(Address self, Address payer, Config config, PayeeAccount.Verifier verifier) {
        this.self = self;
        this.payer = payer;
        this.config = config;
        this.account = new PayeeAccount(Long.MAX_VALUE, verifier);
        this.gate = new ExposureGate(config.exposurePieces(), checkedPieceBytes(config.pieceBytes()));
    }

    /** The downloader announced a channel: have it looked up before any state in it is trusted. */
    public List<MarketAction> onChannelAnnounced(SpeedMessage.ChannelOpened o) {
        ChannelId id = new ChannelId(o.channelId());
        if (id.equals(checking) || (id.equals(account.channel()) && !closed)) return List.of(); // already known
        if (checking != null) {
            // the check under way is finished first, so no state the buyer sent into that channel is lost
            for (SpeedMessage.ChannelOpened w : waiting) if (Arrays.equals(w.channelId(), o.channelId())) return List.of();
            if (waiting.size() >= MAX_WAITING) {
                return List.of(new MarketAction.Send(ErrorCode.NO_CHANNEL.message("too many channels being checked")));
            }
            waiting.add(o);
            return List.of();
        }
        return startCheck(o);
    }

    private List<MarketAction> startCheck(SpeedMessage.ChannelOpened o) {
        checking = new ChannelId(o.channelId());
        announcedEscrow = o.escrow();
        early = earlyWaiting.remove(checking);
        return List.of(new MarketAction.LookUpChannel(checking));
    }

    /** After a check: the next waiting announcement is looked up. */
    private List<MarketAction> nextCheck(List<MarketAction> out) {
        if (checking == null && !waiting.isEmpty()) out.addAll(startCheck(waiting.poll()));
        return out;
    }

    /**
     * The ledger's record of the channel being checked. It must be open, from the handshake's payer
     * to us, hold the announced escrow and live longer than the closing margin. A previous channel is
     * closed first, with its best state. A state that raced ahead of the check is taken now.
     */
    public List<MarketAction> onChannelChecked(ChannelInfo info, long nowMillis) {
        if (checking == null || !checking.equals(info.id())) return List.of(); // an answer to a superseded lookup
        checking = null;
        SpeedMessage.Payment pending = early;
        early = null;
        String why = null;
        if (info.status() != ChannelInfo.Status.OPEN) why = "channel is " + info.status().name().toLowerCase();
        else if (!info.payer().equals(payer)) why = "channel is not from your address";
        else if (!info.payee().equals(self)) why = "channel does not pay this peer";
        else if (info.escrow() != announcedEscrow) why = "escrow differs from the ledger's";
        else if (nowMillis >= info.expiresAtMillis() - config.closeMarginMillis()) why = "channel expires too soon";
        if (why != null) return nextCheck(new ArrayList<>(List.of(new MarketAction.Send(ErrorCode.NO_CHANNEL.message(why)))));
        List<MarketAction> out = new ArrayList<>(closeCurrent());
        account.channelOpened(info.id(), info.payerKey(), info.escrow());
        channelExpiresAt = info.expiresAtMillis();
        closed = false;
        if (pending != null) out.addAll(onPayment(pending));
        return nextCheck(out);
    }

    /** The lookup failed: the ledger could not be reached (err 8; the buyer may announce the channel again). */
    public List<MarketAction> onChannelLookupFailed(ChannelId id) {
        if (!id.equals(checking)) return List.of();
        checking = null;
        early = null;
        return nextCheck(new ArrayList<>(List.of(new MarketAction.Send(ErrorCode.LEDGER.message("channel lookup failed")))));
    }

    /** The ledger has no such channel (err 2, as for a channel that fails the check). */
    public List<MarketAction> onChannelNotFound(ChannelId id) {
        if (!id.equals(checking)) return List.of();
        checking = null;
        early = null;
        return nextCheck(new ArrayList<>(List.of(new MarketAction.Send(ErrorCode.NO_CHANNEL.message("channel not found")))));
    }

    /** A payment state: accepted (acknowledged with the remaining debt) or refused with a reason; a refusal changes nothing. */
    public List<MarketAction> onPayment(SpeedMessage.Payment p) {
        if (checking != null && checking.matches(p.channelId())) {
            // the buyer may pay before our ledger lookup returns: keep the best, judge it after the check
            if (early == null || p.sequence() > early.sequence()) early = p;
            return List.of();
        }
        for (SpeedMessage.ChannelOpened w : waiting) {
            if (Arrays.equals(w.channelId(), p.channelId())) {
                earlyWaiting.merge(new ChannelId(w.channelId()), p, (a, b) -> b.sequence() > a.sequence() ? b : a);
                return List.of();
            }
        }
        if (closed && account.channel() != null && account.channel().matches(p.channelId())) {
            return List.of(new MarketAction.Send(ErrorCode.CHANNEL_CLOSED.message("channel closed; open a new one")));
        }
        ChannelState.Signed s;
        try {
            s = new ChannelState.Signed(new ChannelState(p.channelId(), p.sequence(), p.cumulative()), Signature.decode(p.signature()));
        } catch (RuntimeException e) {
            return List.of(new MarketAction.Send(ErrorCode.BAD_SIGNATURE.message("signature does not decode")));
        }
        PayeeAccount.Rejection why = account.receive(s);
        if (why != null) return List.of(new MarketAction.Send(code(why).message(why.name().toLowerCase().replace('_', ' '))));
        return List.of(new MarketAction.Send(new SpeedMessage.Ack(p.channelId(), p.sequence(), debt())));
    }

    /**
     * We sent this peer {@code bytes} of piece {@code piece} (whose full size is {@code pieceSize})
     * while it held a paid slot at {@code pricePerMiB}, the round's clearing price. Call it per block
     * or per piece. A piece is owed once, as the buyer pays it once when it verifies: the bill of a
     * piece is {@code floor(price × bytes sent of it ÷ 2^20)} — the same rounding the buyer uses — and
     * when more than a piece's size of it is sent again (the buyer's copy failed its hash check and
     * it fetches the piece again) the earlier sending is dropped from the bill.
     */
    public void onServed(int piece, long pieceSize, long bytes, long pricePerMiB) {
        if (bytes < 0 || pieceSize < 1 || bytes > pieceSize || pieceSize > PieceBills.MAX_BYTES) {
            throw new IllegalArgumentException("bad served size");
        }
        price = pricePerMiB;
        gate.billedAt(pricePerMiB);
        long oldBytes = billed.bytes(piece), oldCost = billed.cost(piece);
        long sent = oldBytes + bytes > pieceSize ? bytes : oldBytes + bytes;
        long cost = Pricing.cost(pricePerMiB, sent);
        account.rebill(oldCost, cost);
        billed.put(piece, sent, cost);
    }

    /** The result of a round reached the buyer's socket: {@code price} if it won, 0 if it lost. Billing follows it. */
    public void onResultDelivered(long pricePerMiB) {
        gate.resultDelivered(pricePerMiB);
        if (pricePerMiB > 0) price = pricePerMiB;
    }

    /**
     * A block of {@code bytes} of {@code piece} (full size {@code pieceSize}) left for the buyer: billed at
     * the price of the last result delivered to it, nothing when that was a loss or a free slot.
     */
    public void onBlockSent(int piece, long pieceSize, long bytes) {
        long p = gate.billedPrice();
        if (p > 0) onServed(piece, pieceSize, bytes, p);
    }

    /** The price blocks are billed at now (0: not billed). */
    public long billedPrice() {
        return gate.billedPrice();
    }

    /**
     * Whether a paid block of {@code bytes} may leave now without the buyer's debt passing the limit
     * (always, when the buyer is not billed). Ask before each paid block; if it does not fit, wait for a
     * payment, then {@link #stall()} if none came.
     */
    public boolean mayServe(long bytes) {
        return gate.fits(debt(), (int) Math.min(Integer.MAX_VALUE, bytes));
    }

    /** A held block waited for a payment in vain: refuse blocks and keep the buyer out of the auction until it pays. */
    public void stall() {
        gate.stall();
    }

    public boolean stalled() {
        return gate.stalled();
    }

    /**
     * Closes the current channel before it expires, and the channel of a buyer that is done buying
     * once its last payment is in or {@link #SETTLE_WAIT_MILLIS} passed (spec §5.4).
     */
    public List<MarketAction> onTick(long nowMillis) {
        if (account.channel() != null && !closed && nowMillis >= channelExpiresAt - config.closeMarginMillis()) return closeCurrent();
        if (doneAtMillis != NOT_DONE) return settleIfDone(nowMillis);
        return List.of();
    }

    /** How long a done buyer's payment for its last pieces may take before its channel is settled without it. */
    public static final long SETTLE_WAIT_MILLIS = 30_000;
    /**
     * How long after a buyer is done its channel stays open even when nothing is owed: a buyer may pay
     * for more than was billed (a piece whose blocks left before its winning result reached it), and
     * such a state can still be on the way behind its bid.
     */
    public static final long SETTLE_QUIET_MILLIS = 3_000;
    private static final long NOT_DONE = Long.MIN_VALUE;
    /** When the buyer was done buying (complete, or its bid withdrawn); {@link #NOT_DONE} otherwise. */
    private long doneAtMillis = NOT_DONE;
    /** The buyer has every piece: a later bid does not make it a buyer again. */
    private boolean buyerComplete;

    /**
     * The buyer's bid as it arrived. A bid of 0 says it is done buying here for now (the autobid bids
     * 0 once nothing remains — often the only sign of a complete buyer, since a peer does not announce
     * pieces to a peer that has them — or when it cannot pay, or gives idle escrow back): its channel
     * is settled as in {@link #onBuyerComplete}. A bid above 0 before that cancels it; the buyer opens a new channel
     * if it buys after the settlement (§5.1, err 10).
     */
    public List<MarketAction> onBid(long price, long nowMillis) {
        if (buyerComplete) return List.of();
        if (price > 0) {
            doneAtMillis = NOT_DONE;
            return List.of();
        }
        if (doneAtMillis == NOT_DONE) doneAtMillis = nowMillis;
        return settleIfDone(nowMillis);
    }

    /** Whether the buyer is done and its channel still open: {@link #onTick} will settle it. */
    public boolean settling() {
        return doneAtMillis != NOT_DONE && account.channel() != null && !closed;
    }

    /**
     * The buyer has every piece: its channel is settled {@link #SETTLE_QUIET_MILLIS} later if nothing
     * is owed, else once its last payment — which may be on the way behind its have — is in, or
     * {@link #SETTLE_WAIT_MILLIS} later (a complete buyer keeps its connection that long for a payment
     * in flight, §5.2).
     */
    public List<MarketAction> onBuyerComplete(long nowMillis) {
        buyerComplete = true;
        if (doneAtMillis == NOT_DONE) doneAtMillis = nowMillis;
        return settleIfDone(nowMillis);
    }

    private List<MarketAction> settleIfDone(long nowMillis) {
        if (account.channel() == null || closed) return List.of();
        long since = nowMillis - doneAtMillis;
        if (since < SETTLE_QUIET_MILLIS || (debt() > 0 && since < SETTLE_WAIT_MILLIS)) return List.of();
        return closeCurrent();
    }

    /** The peer disconnected: settle now. */
    public List<MarketAction> onPeerLeft() {
        return closeCurrent();
    }

    /** The peer has every piece and every payment it owes is known to be in (the simulator's instant payments): settle now. */
    public List<MarketAction> onPeerComplete() {
        buyerComplete = true;
        return closeCurrent();
    }

    private List<MarketAction> closeCurrent() {
        if (account.channel() == null || closed) return List.of();
        closed = true;
        return List.of(new MarketAction.CloseChannel(account.channel(), account.best()));
    }

    private static ErrorCode code(PayeeAccount.Rejection r) {
        return switch (r) {
            case NO_CHANNEL -> ErrorCode.NO_CHANNEL;
            case WRONG_CHANNEL -> ErrorCode.WRONG_CHANNEL;
            case BAD_SIGNATURE -> ErrorCode.BAD_SIGNATURE;
            case STALE_SEQUENCE -> ErrorCode.STALE_SEQUENCE;
            case AMOUNT_DECREASED -> ErrorCode.AMOUNT_DECREASED;
            case OVER_ESCROW -> ErrorCode.OVER_ESCROW;
        };
    }

    /** The most unpaid debt tolerated: {@code exposurePieces} pieces at the last price billed. */
    public long exposureLimit() {
        return gate.limit();
    }

    /** Served but not paid, base units. */
    public long debt() {
        return account.debt();
    }

    /**
     * Whether the buyer is to be kept out of the paid slots now: it stalled (a block waited for a payment in
     * vain) and its payments do not yet leave room for a block, or its debt passed the limit. Feed it to
     * {@code MarketSlotPolicy.setOverExposed} after every bill, payment and result.
     */
    public boolean overExposed() {
        return gate.overExposed(debt());
    }

    /**
     * Whether sending {@code bytes} more to this peer as a paid winner at {@code pricePerMiB} keeps
     * its debt within the limit. The driver asks before each piece (or block) it sends on a paid slot;
     * asked every time, the debt — and so what a peer that stops paying can take — never exceeds the limit.
     */
    public boolean mayServe(long bytes, long pricePerMiB) {
        long limit = Pricing.cost(pricePerMiB, Math.multiplyExact(config.exposurePieces(), config.pieceBytes()));
        return Math.addExact(debt(), Pricing.cost(pricePerMiB, bytes)) <= limit;
    }

    /**
     * Whether the peer must lose its paid slot now: another whole piece at the current price would
     * take its debt past the limit. Feed it to {@code MarketSlotPolicy.setOverExposed}; the peer keeps
     * whatever free-slot treatment the ordinary choker gives it.
     */
    public boolean shouldChoke() {
        return !mayServe(config.pieceBytes(), price);
    }

    public long owed() {
        return account.owed();
    }

    /** Paid in accepted states, over all of this peer's channels. */
    public long paid() {
        return account.paid();
    }

    public ChannelState.Signed best() {
        return account.best();
    }

    public ChannelId channel() {
        return account.channel();
    }

    public Phase phase() {
        if (checking != null) return Phase.CHECKING;
        if (account.channel() == null) return Phase.UNFUNDED;
        if (closed) return Phase.CLOSED;
        return shouldChoke() ? Phase.OVER_EXPOSED : Phase.FUNDED;
    }
}
