package io.btspeed.ledger.op;

import io.btspeed.ledger.ChannelId;
import io.btspeed.ledger.crypto.CryptoException;
import io.btspeed.ledger.crypto.KeyPair;
import io.btspeed.ledger.crypto.PublicKey;
import io.btspeed.ledger.crypto.Secp256k1;
import io.btspeed.ledger.crypto.Signature;

/**
 * The payee closes a channel with the best payer-signed state it holds, or with none (nothing
 * owed). The payee signs the close so nobody else can close early with a stale state.
 */
public record ChannelClose(ChannelId channel, ChannelState.Signed best) {
    static final String DOMAIN = "btspeed/channel-close/v1";

    public ChannelClose {
        if (channel == null) {
            throw new IllegalArgumentException("channel id is required");
        }
        if (best != null && !java.util.Arrays.equals(best.state().channelId(), channel.bytes())) {
            throw new IllegalArgumentException("state belongs to another channel");
        }
    }

    public long amount() {
        return best == null ? 0 : best.state().cumulativeAmount();
    }

    public long sequence() {
        return best == null ? 0 : best.state().sequence();
    }

    public byte[] digest() {
        Canonical c = new Canonical(DOMAIN).fixed(channel.bytes());
        if (best == null) {
            return c.u64(0).digest();
        }
        return c.u64(1).fixed(best.state().digest()).fixed(best.signature().encode()).digest();
    }

    public Signed sign(KeyPair payee) {
        return new Signed(this, PublicKey.of(payee.publicKey()), payee.sign(digest()));
    }

    /** The close with the payee's key and signature; the ledger checks the key is the channel's payee. */
    public record Signed(ChannelClose close, PublicKey payeeKey, Signature signature) {
        public boolean verify() {
            try {
                return Secp256k1.verify(payeeKey, close.digest(), signature);
            } catch (CryptoException e) {
                return false;
            }
        }

        public byte[] id() {
            return new Canonical("btspeed/op-id/v1").fixed(close.digest()).fixed(signature.encode()).digest();
        }
    }
}
