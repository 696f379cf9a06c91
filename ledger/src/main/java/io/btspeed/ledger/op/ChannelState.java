package io.btspeed.ledger.op;

import io.btspeed.ledger.ChannelId;
import io.btspeed.ledger.crypto.CryptoException;
import io.btspeed.ledger.crypto.KeyPair;
import io.btspeed.ledger.crypto.PublicKey;
import io.btspeed.ledger.crypto.Secp256k1;
import io.btspeed.ledger.crypto.Signature;
import java.util.Arrays;

/**
 * An off-chain payment channel state: the payer promises the payee {@code cumulativeAmount} base
 * units in total from the channel's escrow. Each payment is a new state with a strictly higher
 * sequence; the payee closes the channel with the best state it holds.
 */
public record ChannelState(byte[] channelId, long sequence, long cumulativeAmount) {
    static final String DOMAIN = "btspeed/channel-state/v1";

    public ChannelState {
        if (channelId == null || channelId.length != 32) {
            throw new IllegalArgumentException("channel id must be 32 bytes");
        }
        if (sequence < 0 || cumulativeAmount < 0) {
            throw new IllegalArgumentException("sequence and amount must be non-negative");
        }
        channelId = channelId.clone();
    }

    @Override
    public byte[] channelId() {
        return channelId.clone();
    }

    /** Whether this state is of {@code channel}, compared without copying either id (a payee checks every payment). */
    public boolean isIn(ChannelId channel) {
        return channel.matches(channelId);
    }

    /** The 32-byte digest the payer signs. */
    public byte[] digest() {
        return new Canonical(DOMAIN).fixed(channelId).u64(sequence).u64(cumulativeAmount).digest();
    }

    public Signed sign(KeyPair payer) {
        return new Signed(this, payer.sign(digest()));
    }

    /** A state with the payer's signature over {@link #digest()}. */
    public record Signed(ChannelState state, Signature signature) {
        public boolean verify(PublicKey payer) {
            try {
                return Secp256k1.verify(payer, state.digest(), signature);
            } catch (CryptoException e) {
                return false;
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChannelState c && Arrays.equals(channelId, c.channelId)
                && sequence == c.sequence && cumulativeAmount == c.cumulativeAmount;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(channelId) + Long.hashCode(sequence)) + Long.hashCode(cumulativeAmount);
    }

    @Override
    public String toString() {
        return "ChannelState[" + java.util.HexFormat.of().formatHex(channelId) + ", seq=" + sequence
                + ", cumulative=" + cumulativeAmount + "]";
    }
}
