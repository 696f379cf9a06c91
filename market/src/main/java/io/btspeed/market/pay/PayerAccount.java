package io.btspeed.market.pay;

import io.btspeed.ledger.ChannelId;
import io.btspeed.ledger.op.ChannelState;
import java.util.function.Function;

/**
 * The downloader's side of one channel to one uploader: after each piece from that uploader passes
 * its hash check it signs the next state (sequence + 1, cumulative + the piece's cost). A piece that
 * failed its hash is never paid for — the runtime simply never calls {@link #pieceVerified}. When the
 * escrow cannot cover what is owed, the channel is filled and the rest waits for a new channel.
 */
public final class PayerAccount {
    /** What to do after a verified piece. */
    public sealed interface Next permits Pay, NeedChannel {}

    /**
     * Send this state to the uploader.
     *
     * @param amount what this state pays on top of the previous one
     */
    public record Pay(ChannelState.Signed state, long amount) implements Next {}

    /** The escrow is used up: open a new channel for at least {@code shortfall} more. */
    public record NeedChannel(long shortfall) implements Next {}

    private final Function<ChannelState, ChannelState.Signed> signer;
    private ChannelId channel;
    private long escrow;
    private long sequence;
    private long cumulative;
    private long unpaid;
    private long spent;

    /** @param signer signs a state with the wallet key (pure for tests, the real key at runtime) */
    public PayerAccount(Function<ChannelState, ChannelState.Signed> signer) {
        this.signer = signer;
    }

    /** Stop paying into the current channel (it is about to expire or the payee closed it); the next payment asks for a new one. */
    public void retireChannel() {
        channel = null;
    }

    /** Escrow left in the current channel (0 without one). */
    public long remainingEscrow() {
        return channel == null ? 0 : escrow - cumulative;
    }

    public void channelOpened(ChannelId id, long escrowAmount) {
        channel = id;
        escrow = escrowAmount;
        sequence = 0;
        cumulative = 0;
    }

    /** A piece from this uploader passed its hash check while we held a paid slot at {@code price}. */
    public Next pieceVerified(long bytes, long pricePerMiB) {
        unpaid = Math.addExact(unpaid, Pricing.cost(pricePerMiB, bytes));
        return settle();
    }

    /** Adds a debt carried over from an exhausted channel, then settles. */
    public Next owe(long amount) {
        if (amount < 0) throw new IllegalArgumentException("negative debt");
        unpaid = Math.addExact(unpaid, amount);
        return settle();
    }

    /**
     * Pays what is owed from the current channel, as far as its escrow reaches: a channel is filled
     * to the brim before a new one is asked for, so no escrow is stranded. Returns {@link Pay} when a
     * state was signed ({@link #unpaid()} then holds what did not fit), {@link NeedChannel} when
     * nothing could be paid.
     */
    public Next settle() {
        long room = remainingEscrow();
        if (unpaid == 0 || room == 0) return new NeedChannel(unpaid);
        long amount = Math.min(unpaid, room);
        cumulative += amount;
        spent += amount;
        unpaid -= amount;
        sequence++;
        return new Pay(signer.apply(new ChannelState(channel.bytes(), sequence, cumulative)), amount);
    }

    public long spent() {
        return spent;
    }

    public long unpaid() {
        return unpaid;
    }

    public ChannelId channel() {
        return channel;
    }

    /** Escrow for a new channel: the expected need for the rest of the download, within what may be spent. */
    public static long escrowFor(long remainingBytes, long pricePerMiB, long spendable, long minPieces, long pieceBytes) {
        long need;
        try {
            need = Pricing.cost(pricePerMiB, remainingBytes);
        } catch (ArithmeticException tooMuch) {
            need = Long.MAX_VALUE; // an unknown remainder (Long.MAX_VALUE) needs more than can ever be spent
        }
        long floor = Pricing.cost(pricePerMiB, Math.multiplyExact(minPieces, pieceBytes));
        return Math.min(spendable, Math.max(need, floor));
    }
}
