package io.btspeed.market.pay;

import io.btspeed.ledger.ChannelId;
import io.btspeed.ledger.crypto.PublicKey;
import io.btspeed.ledger.op.ChannelState;

/**
 * The uploader's book on one paying downloader: what it is owed for the pieces it served as a paid
 * winner, the best payment state the downloader signed, and whether the unpaid debt passed the
 * exposure limit (then it must be choked until it pays). Every incoming state is checked before it
 * is trusted: right channel, signed by the payer key the ledger recorded, sequence strictly
 * increasing, amount never decreasing and within the escrow.
 */
public final class PayeeAccount {
    /** Why a payment state was refused; the wire's error codes. */
    public enum Rejection { NO_CHANNEL, WRONG_CHANNEL, BAD_SIGNATURE, STALE_SEQUENCE, AMOUNT_DECREASED, OVER_ESCROW }

    /** Checks a payer's signature on a state: the real secp256k1 check, or a model's stand-in (the simulator's peers are honest). */
    public interface Verifier {
        Verifier SECP256K1 = ChannelState.Signed::verify;

        boolean verify(ChannelState.Signed state, PublicKey payerKey);
    }

    private final long exposureLimit;
    private final Verifier verifier;
    private ChannelId channel;
    private PublicKey payerKey;
    private long escrow;
    private ChannelState.Signed best;
    /**
     * The best state's sequence and amount (0 without one), kept beside it: every piece served asks what was paid,
     * and reading them through the state is two objects to load.
     */
    private long bestSequence, bestAmount;
    private long owed;
    private long paidInClosedChannels;

    /** @param exposureLimit largest unpaid debt tolerated, base units (e.g. two pieces at the clearing price) */
    public PayeeAccount(long exposureLimit) {
        this(exposureLimit, Verifier.SECP256K1);
    }

    public PayeeAccount(long exposureLimit, Verifier verifier) {
        if (exposureLimit < 0) throw new IllegalArgumentException("negative exposure limit");
        this.exposureLimit = exposureLimit;
        this.verifier = verifier;
    }

    /** The downloader opened (and the ledger confirmed) a channel to us. */
    public void channelOpened(ChannelId id, PublicKey payerKeyOnLedger, long escrowOnLedger) {
        if (channel != null && best != null) paidInClosedChannels += bestAmount;
        channel = id;
        payerKey = payerKeyOnLedger;
        escrow = escrowOnLedger;
        best = null;
        bestSequence = bestAmount = 0;
    }

    /** We finished sending a whole piece to this peer while it held a paid slot at {@code price}. */
    public void served(long bytes, long pricePerMiB) {
        owed = Math.addExact(owed, Pricing.cost(pricePerMiB, bytes));
    }

    /** Replaces an amount billed earlier by a new one (a piece billed again is owed once). */
    public void rebill(long previousCost, long newCost) {
        if (previousCost < 0 || newCost < 0 || previousCost > owed) throw new IllegalArgumentException("bad rebill");
        owed = Math.addExact(owed - previousCost, newCost);
    }

    /** @return null if accepted (it becomes the best state), else why it was refused; state unchanged then */
    public Rejection receive(ChannelState.Signed s) {
        if (channel == null) return Rejection.NO_CHANNEL;
        if (!s.state().isIn(channel)) return Rejection.WRONG_CHANNEL;
        if (s.state().cumulativeAmount() > escrow) return Rejection.OVER_ESCROW;
        if (best != null && s.state().sequence() <= bestSequence) return Rejection.STALE_SEQUENCE;
        if (best != null && s.state().cumulativeAmount() < bestAmount) return Rejection.AMOUNT_DECREASED;
        if (!verifier.verify(s, payerKey)) return Rejection.BAD_SIGNATURE;
        best = s;
        bestSequence = s.state().sequence();
        bestAmount = s.state().cumulativeAmount();
        return null;
    }

    public long paid() {
        return paidInClosedChannels + bestAmount;
    }

    public long owed() {
        return owed;
    }

    /** Served but not yet paid for (never negative: paying ahead is the payer's choice). */
    public long debt() {
        return Math.max(0, owed - paid());
    }

    public boolean overExposed() {
        return debt() > exposureLimit;
    }

    /** The state to close the current channel with on the ledger (null if nothing was paid in it). */
    public ChannelState.Signed best() {
        return best;
    }

    public ChannelId channel() {
        return channel;
    }

    /** Room left in the current channel. */
    public long remainingEscrow() {
        return channel == null ? 0 : escrow - bestAmount;
    }
}
