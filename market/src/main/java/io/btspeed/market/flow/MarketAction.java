package io.btspeed.market.flow;

import io.btspeed.ledger.ChannelId;
import io.btspeed.ledger.crypto.Address;
import io.btspeed.ledger.op.ChannelState;
import io.btspeed.market.wire.SpeedMessage;

/**
 * What a payment flow asks its driver to do. The flows never do I/O themselves: the runtime turns
 * these into extended messages and ledger calls, the simulator into events on its queue, tests into
 * assertions. Each flow belongs to one remote peer, so no action names the peer.
 */
public sealed interface MarketAction {
    /** Send this {@code bt_speed} message to the flow's peer. */
    record Send(SpeedMessage message) implements MarketAction {}

    /**
     * Open a channel on the ledger from our wallet to {@code payee}; report the outcome with
     * {@link PayerFlow#onChannelOpened} or {@link PayerFlow#onChannelOpenFailed}.
     */
    record OpenChannel(Address payee, long escrow, long expiresAtMillis) implements MarketAction {}

    /**
     * Look the channel the peer announced up on the ledger; report it with
     * {@link PayeeFlow#onChannelChecked} or {@link PayeeFlow#onChannelLookupFailed}.
     */
    record LookUpChannel(ChannelId channel) implements MarketAction {}

    /** Close the channel on the ledger with this payer-signed state (null: nothing was paid, all escrow returns). */
    record CloseChannel(ChannelId channel, ChannelState.Signed best) implements MarketAction {
        public long amount() {
            return best == null ? 0 : best.state().cumulativeAmount();
        }
    }

    /** The channel we funded expired without being closed: ask the ledger for the escrow back. */
    record RefundExpired(ChannelId channel) implements MarketAction {}
}
