package io.btspeed.app.market;

import io.btspeed.engine.ext.PeerHandle;
import io.btspeed.market.flow.PayeeFlow;
import io.btspeed.market.flow.PayerFlow;
import io.btspeed.market.wire.SpeedMessage;

/**
 * One market peer of a torrent: its handle and handshake, and the two pure flows that hold every
 * market rule towards it — {@link PayerFlow} when we buy from it, {@link PayeeFlow} when we sell to it.
 * All access to the flows and the counters is under this object's monitor; sends of the actions a flow
 * returned happen under it too, so messages leave in the order the flow decided them.
 */
final class MarketPeer {
    final PeerHandle handle;
    final SpeedMessage.Hello hello;
    /** Null when we do not buy from this peer (spending off, or it sells no paid slots). */
    final PayerFlow payer;
    /** Null when we do not sell (no paid slots). */
    final PayeeFlow payee;
    /** Verified pieces whose payment is still waiting on the payment thread. */
    int paymentsPending;
    /** Last over-exposure verdict told to the slot policy (it is told again only when this changes). */
    boolean overExposed;
    /** Blocks that waited for a payment, and how long in all (the exposure limit's cost to an honest buyer). */
    long heldBlocks;
    long heldNanos;
    /** The peer left or was replaced: its payer flow's escrow no longer counts as locked (see {@code FlowActions.forget}). */
    boolean forgotten;

    MarketPeer(PeerHandle handle, SpeedMessage.Hello hello, PayerFlow payer, PayeeFlow payee) {
        this.handle = handle;
        this.hello = hello;
        this.payer = payer;
        this.payee = payee;
    }
}
