package io.btspeed.ledger.op;

import io.btspeed.ledger.ChannelId;
import io.btspeed.ledger.crypto.Address;
import io.btspeed.ledger.crypto.CryptoException;
import io.btspeed.ledger.crypto.KeyPair;
import io.btspeed.ledger.crypto.PublicKey;
import io.btspeed.ledger.crypto.Secp256k1;
import io.btspeed.ledger.crypto.Signature;
import java.nio.charset.StandardCharsets;

/**
 * The payer locks {@code escrow} base units in a channel to one payee until {@code expiresAtMillis}.
 * It spends the payer's nonce like a transfer, so the same signed open cannot be replayed, and the
 * channel id is derived from (payer, payee, nonce) so the payer knows it before the ledger answers.
 */
public record ChannelOpen(Address payer, Address payee, long escrow, long expiresAtMillis, long nonce, String memo) {
    static final String DOMAIN = "btspeed/channel-open/v1";
    /** The shipped product's channel lifetime. */
    public static final long DEFAULT_LIFETIME_MILLIS = 24L * 60 * 60 * 1000;

    public ChannelOpen {
        if (payer == null || payee == null) {
            throw new IllegalArgumentException("payer and payee are required");
        }
        if (payer.equals(payee)) {
            throw new IllegalArgumentException("a channel needs two different accounts");
        }
        if (escrow <= 0) {
            throw new IllegalArgumentException("escrow must be positive, got " + escrow);
        }
        if (expiresAtMillis <= 0 || nonce < 0) {
            throw new IllegalArgumentException("expiry must be positive and nonce non-negative");
        }
        memo = memo == null ? "" : memo;
        if (memo.getBytes(StandardCharsets.UTF_8).length > Transfer.MAX_MEMO_BYTES) {
            throw new IllegalArgumentException("memo longer than " + Transfer.MAX_MEMO_BYTES + " bytes");
        }
    }

    public ChannelId channelId() {
        return new ChannelId(new Canonical("btspeed/channel-id/v1").fixed(payer.bytes()).fixed(payee.bytes())
                .u64(nonce).digest());
    }

    public byte[] digest() {
        return new Canonical(DOMAIN).fixed(payer.bytes()).fixed(payee.bytes()).u64(escrow).u64(expiresAtMillis)
                .u64(nonce).bytes(memo.getBytes(StandardCharsets.UTF_8)).digest();
    }

    public Signed sign(KeyPair payerKey) {
        if (!payerKey.address().equals(payer)) {
            throw new IllegalArgumentException("signing key is not the payer " + payer);
        }
        return new Signed(this, PublicKey.of(payerKey.publicKey()), payerKey.sign(digest()));
    }

    /** An open with the payer's key and signature; valid only if the key hashes to {@code payer}. */
    public record Signed(ChannelOpen open, PublicKey payerKey, Signature signature) {
        public boolean verify() {
            try {
                return payerKey.address().equals(open.payer()) && Secp256k1.verify(payerKey, open.digest(), signature);
            } catch (CryptoException e) {
                return false;
            }
        }

        public byte[] id() {
            return new Canonical("btspeed/op-id/v1").fixed(open.digest()).fixed(signature.encode()).digest();
        }
    }
}
