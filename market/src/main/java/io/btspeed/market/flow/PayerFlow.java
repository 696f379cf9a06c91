package io.btspeed.market.flow;

import io.btspeed.ledger.ChannelId;
import io.btspeed.ledger.crypto.Address;
import io.btspeed.ledger.op.ChannelOpen;
import io.btspeed.ledger.op.ChannelState;
import io.btspeed.market.pay.PayerAccount;
import io.btspeed.market.pay.Pricing;
import io.btspeed.market.policy.Autobid;
import io.btspeed.market.wire.ErrorCode;
import io.btspeed.market.wire.SpeedMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The downloader's side of the market towards one uploader (spec §4 and §8): it sends bids, reads
 * the round results, asks for a channel on its first win, pays with a new signed state after every
 * verified piece it received from that uploader while holding a paid slot, and asks for a new
 * channel when one runs out or nears its expiry. Events in, {@link MarketAction}s out; time is
 * passed in; signing is injected, so the flow is pure.
 *
 * <p>{@code spendable} at each decision is what a new channel may lock —
 * {@link io.btspeed.market.policy.Spending#forNewEscrow} over all of the download's flows.
 */
public final class PayerFlow {
    /** Where the flow is (spec §8, buyer). */
    public enum Phase { IDLE, BIDDING, WON_UNFUNDED, PAYING }

    /**
     * @param channelLifetimeMillis how long a new channel lives on the ledger (24 h by default)
     * @param expiryMarginMillis    stop paying into a channel this long before its expiry; larger than the
     *                              payee's closing margin, so a payer moves to a new channel before the
     *                              payee closes the old one
     * @param minEscrowPieces       a new channel holds at least this many pieces at the current price
     * @param pieceBytes            the torrent's piece length
     */
    public record Config(long channelLifetimeMillis, long expiryMarginMillis, int minEscrowPieces, long pieceBytes) {
        public Config {
            if (channelLifetimeMillis <= expiryMarginMillis || expiryMarginMillis < 0 || minEscrowPieces < 1 || pieceBytes < 1) {
                throw new IllegalArgumentException("bad payer config");
            }
        }

        public static Config defaults(long pieceBytes) {
            return new Config(ChannelOpen.DEFAULT_LIFETIME_MILLIS, 2 * 60 * 60 * 1000L, 4, pieceBytes);
        }
    }

    /** A channel this flow funded, kept so its unused escrow can be reclaimed after expiry. */
    public record Funded(ChannelId channel, long escrow, long expiresAtMillis) {}

    private final Address payee;
    private final Config config;
    private final PayerAccount account;
    private final List<Funded> funded = new ArrayList<>();
    private final List<Funded> refundAsked = new ArrayList<>();
    private long standingBid;
    private long previousBid;
    private long lastRound = -1;
    private boolean won;
    private long price;
    private boolean opening;
    private long channelExpiresAt;
    private SpeedMessage.Error lastError;
    private long ackedSequence;
    /** The escrow here was given back ({@link #release}): the next channel opens on a win, not at a bid. */
    private boolean released;

    /**
     * @param payee  the uploader's ledger address (from its handshake)
     * @param signer signs a channel state with the wallet key ({@code s -> s.sign(keyPair)})
     */
    public PayerFlow(Address payee, Function<ChannelState, ChannelState.Signed> signer, Config config) {
        this.payee = payee;
        this.config = config;
        this.account = new PayerAccount(signer);
    }

    /**
     * A new target bid (normally from {@link Autobid}; 0 withdraws). Sent only when it moves by more
     * than 10 % from the standing bid, or from or to 0.
     */
    public List<MarketAction> rebid(long target) {
        if (target < 0) throw new IllegalArgumentException("negative bid");
        if (!Autobid.shouldRebid(standingBid, target)) return List.of();
        previousBid = standingBid;
        standingBid = target;
        return List.of(new MarketAction.Send(new SpeedMessage.BidMsg(target)));
    }

    /**
     * The buyer's bid towards this uploader is now {@code target} (normally from {@link Autobid}; 0
     * withdraws): {@link #rebid} sends it when it moved enough, and a buyer bidding above 0 without a
     * usable channel opens one now (spec §5.1), so the channel is usually open and checked by the time
     * it wins. A channel it cannot fund is not opened; the bid stands (nothing is owed yet).
     */
    public List<MarketAction> onBid(long target, long spendable, long remainingBytes, long nowMillis) {
        List<MarketAction> out = new ArrayList<>(rebid(target));
        if (standingBid > 0) {
            retireIfExpiring(nowMillis);
            if (account.channel() == null && !opening && account.unpaid() == 0 && !released) {
                long escrow = PayerAccount.escrowFor(remainingBytes, escrowPrice(), spendable, config.minEscrowPieces(), config.pieceBytes());
                if (escrow > 0 && remainingBytes > 0) {
                    opening = true;
                    out.add(new MarketAction.OpenChannel(payee, escrow, Math.addExact(nowMillis, config.channelLifetimeMillis())));
                }
            } else if (account.channel() == null && account.unpaid() > 0) {
                requestChannel(out, account.unpaid(), spendable, remainingBytes, nowMillis);
            }
        }
        return out;
    }

    /**
     * The bytes a buyer expects from one of the {@code sellers} sellers it bids at: the remaining
     * download split evenly, rounded up (spec §5.1). Drivers pass this as {@code remainingBytes}: a
     * channel sized for the whole remaining download would lock the budget in the first seller's
     * channel and leave nothing to pay the others with.
     */
    public static long shareOf(long remainingBytes, int sellers) {
        if (remainingBytes <= 0) return 0;
        int n = Math.max(1, sellers);
        return remainingBytes / n + (remainingBytes % n == 0 ? 0 : 1);
    }

    /**
     * The price a new channel's escrow is sized at (spec §5.1): the price of the latest result or,
     * before a result, the standing bid — no round clears above a winner's bid — and at least 1.
     */
    public long escrowPrice() {
        return Math.max(1, Math.max(price, standingBid));
    }

    /**
     * The uploader's result for a round. Results for a round not newer than the last one are ignored;
     * a price above both our standing and our previous bid (the one a crossing message could have
     * been cleared at) is refused — a winner never pays more than it bid.
     */
    public List<MarketAction> onResult(SpeedMessage.Result r, long spendable, long remainingBytes, long nowMillis) {
        if (r.round() <= lastRound) return List.of();
        lastRound = r.round();
        if (r.won() && r.price() > Math.max(standingBid, previousBid)) {
            won = false;
            price = 0;
            return List.of(new MarketAction.Send(ErrorCode.PRICE_ABOVE_BID.message("price " + r.price() + " above our bid " + standingBid)));
        }
        won = r.won();
        price = r.won() ? r.price() : 0;
        List<MarketAction> out = new ArrayList<>();
        if (won && price > 0) {
            retireIfExpiring(nowMillis);
            if (account.channel() == null) requestChannel(out, 0, spendable, remainingBytes, nowMillis);
        }
        return out;
    }

    /** The channel asked for with {@link MarketAction.OpenChannel} is open on the ledger. */
    public List<MarketAction> onChannelOpened(ChannelId id, long escrow, long expiresAtMillis) {
        opening = false;
        released = false;
        account.channelOpened(id, escrow);
        channelExpiresAt = expiresAtMillis;
        funded.add(new Funded(id, escrow, expiresAtMillis));
        List<MarketAction> out = new ArrayList<>();
        // the announcement goes first: the payee cannot check a state for a channel it has not heard of
        out.add(new MarketAction.Send(new SpeedMessage.ChannelOpened(id.bytes(), escrow, expiresAtMillis)));
        // what was owed while the channel was being opened; anything beyond this escrow waits for the next piece
        if (account.unpaid() > 0 && account.settle() instanceof PayerAccount.Pay p) out.add(send(p));
        return out;
    }

    /**
     * Gives back the escrow of an idle channel (spec §5.5): when another seller's bill cannot be
     * funded because the budget is locked in channels at sellers whose auctions we are not winning,
     * the buyer withdraws its bid at those (the seller settles a done buyer a few seconds later when nothing is
     * owed, §5.4, which returns the unspent escrow) and stops paying into their channels. The autobid
     * bids again at the next tick, so the buyer keeps competing there; a channel opens again on a win.
     * Nothing happens unless the flow is idle: not winning, owing nothing, holding unspent escrow.
     */
    public List<MarketAction> release() {
        if (!releasable()) return List.of();
        released = true;
        account.retireChannel();
        return rebid(0);
    }

    /** Whether {@link #release} would give escrow back now. */
    public boolean releasable() {
        return !won && !opening && account.unpaid() == 0 && account.remainingEscrow() > 0;
    }

    /**
     * What this uploader is owed has no channel to go into: none is being opened and the current one
     * (if any) is full. The buyer then gives back idle escrow elsewhere ({@link #release}) and calls
     * {@link #retryFunding} until it fits.
     */
    public boolean unfunded() {
        return account.unpaid() > 0 && !opening;
    }

    /** Tries again to fund what is owed here (after escrow was released elsewhere): a new channel if it now fits. */
    public List<MarketAction> retryFunding(long spendable, long remainingBytes, long nowMillis) {
        List<MarketAction> out = new ArrayList<>();
        if (unfunded()) pay(out, account.settle(), spendable, remainingBytes, nowMillis);
        return out;
    }

    /** Opening failed (ledger refused or unreachable): the next win or verified piece tries again. */
    public List<MarketAction> onChannelOpenFailed() {
        opening = false;
        return List.of();
    }

    /**
     * A piece this uploader sent us passed its hash check. Paid only while we hold a paid slot at a
     * non-zero price: {@code floor(price × bytes ÷ 2^20)}. A piece several peers contributed to is
     * paid to each for the bytes that peer sent.
     */
    public List<MarketAction> onPieceVerified(long bytes, long spendable, long remainingBytes, long nowMillis) {
        return onPieceVerified(bytes, won ? price : 0, spendable, remainingBytes, nowMillis);
    }

    /**
     * As {@link #onPieceVerified(long, long, long, long)}, at {@code pricePerMiB}: the price that was in
     * force when the piece verified, for a driver that pays later on another thread (0: not paid).
     */
    public List<MarketAction> onPieceVerified(long bytes, long pricePerMiB, long spendable, long remainingBytes, long nowMillis) {
        if (pricePerMiB <= 0 || Pricing.cost(pricePerMiB, bytes) == 0) return List.of();
        retireIfExpiring(nowMillis);
        List<MarketAction> out = new ArrayList<>();
        pay(out, account.pieceVerified(bytes, pricePerMiB), spendable, remainingBytes, nowMillis);
        return out;
    }

    /**
     * Whether a piece of {@code bytes} verified now would be paid from the open channel as it stands: the slot is won
     * at a price, the channel is not within its expiry margin, and its escrow covers the piece and whatever is owed.
     * {@link #onPieceVerified(long, long, long, long)} then only signs and sends a payment: it opens no channel and
     * asks nothing of the ledger, so a driver may pay such a piece wherever it handles the buyer alone.
     */
    public boolean paysFromChannel(long bytes, long nowMillis) {
        return won && price > 0 && paysFromChannel(bytes, price, nowMillis);
    }

    /**
     * Whether the open channel, as it stands, takes a piece of {@code bytes} at {@code pricePerMiB} and whatever is
     * owed, and is not within its expiry margin: for a driver about to tell this flow a new price (a result) or bid,
     * which with such a channel open only changes what the next pieces are paid at.
     */
    public boolean paysFromChannel(long bytes, long pricePerMiB, long nowMillis) {
        if (account.channel() == null || nowMillis >= channelExpiresAt - config.expiryMarginMillis()) return false;
        return account.remainingEscrow() >= Math.addExact(Pricing.cost(pricePerMiB, bytes), account.unpaid());
    }

    /** Whether a verified piece from this uploader is to be paid now, and at what price (0: not paid). */
    public long payablePrice() {
        return won ? price : 0;
    }

    /** A piece from this uploader failed its hash check: never paid for. Present so drivers state it. */
    public List<MarketAction> onPieceFailed(long bytes) {
        return List.of();
    }

    public List<MarketAction> onAck(SpeedMessage.Ack a) {
        ChannelId ch = account.channel();
        if (ch != null && ch.matches(a.channelId())) ackedSequence = Math.max(ackedSequence, a.sequence());
        return List.of();
    }

    /** The uploader refused something. A closed channel is left for a new one; other codes are kept for diagnosis. */
    public List<MarketAction> onError(SpeedMessage.Error e) {
        lastError = e;
        if (e.code() == ErrorCode.CHANNEL_CLOSED.code()) account.retireChannel();
        return List.of();
    }

    /** Reclaims the escrow of channels that expired (the payee closes the ones it was paid in before that). */
    public List<MarketAction> onTick(long nowMillis) {
        retireIfExpiring(nowMillis);
        List<MarketAction> out = new ArrayList<>();
        for (Funded f : funded) {
            if (nowMillis >= f.expiresAtMillis() && !refundAsked.contains(f)) {
                refundAsked.add(f);
                out.add(new MarketAction.RefundExpired(f.channel()));
            }
        }
        return out;
    }

    private void retireIfExpiring(long nowMillis) {
        if (account.channel() != null && nowMillis >= channelExpiresAt - config.expiryMarginMillis()) account.retireChannel();
    }

    private void pay(List<MarketAction> out, PayerAccount.Next next, long spendable, long remainingBytes, long nowMillis) {
        switch (next) {
            case PayerAccount.Pay p -> {
                out.add(send(p));
                // the channel is full: what did not fit goes into a new one
                if (account.unpaid() > 0) requestChannel(out, account.unpaid(), spendable, remainingBytes, nowMillis);
            }
            case PayerAccount.NeedChannel n -> requestChannel(out, n.shortfall(), spendable, remainingBytes, nowMillis);
        }
    }

    private static MarketAction send(PayerAccount.Pay p) {
        ChannelState st = p.state().state();
        return new MarketAction.Send(new SpeedMessage.Payment(st.channelId(), st.sequence(), st.cumulativeAmount(),
                p.state().signature().encode()));
    }

    /**
     * Escrow = the expected need for the rest of the download at this price (at least
     * {@code minEscrowPieces} pieces), never less than what is owed already, never more than may be
     * spent. If not even the debt can be covered, the bid is withdrawn: we cannot pay for more.
     */
    private void requestChannel(List<MarketAction> out, long shortfall, long spendable, long remainingBytes, long nowMillis) {
        if (opening) return;
        long escrow = Math.max(shortfall, PayerAccount.escrowFor(remainingBytes, escrowPrice(), spendable, config.minEscrowPieces(),
                config.pieceBytes()));
        if (escrow <= 0 || escrow > spendable) {
            out.addAll(rebid(0));
            return;
        }
        opening = true;
        out.add(new MarketAction.OpenChannel(payee, escrow, Math.addExact(nowMillis, config.channelLifetimeMillis())));
    }

    public Phase phase() {
        if (won && price > 0) return account.channel() == null ? Phase.WON_UNFUNDED : Phase.PAYING;
        return standingBid > 0 ? Phase.BIDDING : Phase.IDLE;
    }

    /** Base units promised in states sent so far (each state's increase, summed). */
    public long spent() {
        return account.spent();
    }

    /** Owed for verified pieces but not yet in a state (waiting for a channel). */
    public long unpaid() {
        return account.unpaid();
    }

    /** Escrow still unspent in the current channel: with {@link #spent()}, what this flow has committed of the budget. */
    public long remainingEscrow() {
        return account.remainingEscrow();
    }

    public long standingBid() {
        return standingBid;
    }

    public boolean won() {
        return won;
    }

    public long price() {
        return price;
    }

    public ChannelId channel() {
        return account.channel();
    }

    public boolean opening() {
        return opening;
    }

    public long ackedSequence() {
        return ackedSequence;
    }

    public SpeedMessage.Error lastError() {
        return lastError;
    }

    /** Every channel this flow funded; a driver that drops the flow keeps these to reclaim escrow after expiry. */
    public List<Funded> funded() {
        return List.copyOf(funded);
    }

    public Address payee() {
        return payee;
    }
}
