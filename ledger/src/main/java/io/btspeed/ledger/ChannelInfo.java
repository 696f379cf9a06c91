package io.btspeed.ledger;

import io.btspeed.ledger.crypto.Address;
import io.btspeed.ledger.crypto.PublicKey;

/**
 * A channel as the ledger knows it. {@code payerKey} lets the payee verify off-chain states;
 * {@code paidToPayee} and {@code closingSequence} are set once the channel is closed.
 */
public record ChannelInfo(ChannelId id, Address payer, PublicKey payerKey, Address payee, long escrow,
                          long expiresAtMillis, Status status, long paidToPayee, long closingSequence,
                          String memo) {
    public enum Status { OPEN, CLOSED, REFUNDED }
}
