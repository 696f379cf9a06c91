package io.btspeed.ledger.op;

import io.btspeed.ledger.crypto.Address;
import io.btspeed.ledger.crypto.CryptoException;
import io.btspeed.ledger.crypto.KeyPair;
import io.btspeed.ledger.crypto.PublicKey;
import io.btspeed.ledger.crypto.Secp256k1;
import io.btspeed.ledger.crypto.Signature;
import java.nio.charset.StandardCharsets;

/**
 * A transfer of {@code amount} base units, signed by the sender. {@code nonce} is the sender's
 * next per-account nonce, so a captured signed transfer cannot be replayed. The memo (e.g. a
 * torrent's info-hash) is part of what is signed.
 */
public record Transfer(Address from, Address to, long amount, long nonce, String memo) {
    static final String DOMAIN = "btspeed/transfer/v1";
    public static final int MAX_MEMO_BYTES = 256;

    public Transfer {
        if (from == null || to == null) {
            throw new IllegalArgumentException("from and to are required");
        }
        if (amount <= 0) {
            throw new IllegalArgumentException("amount must be positive, got " + amount);
        }
        if (nonce < 0) {
            throw new IllegalArgumentException("nonce must be non-negative");
        }
        memo = memo == null ? "" : memo;
        if (memo.getBytes(StandardCharsets.UTF_8).length > MAX_MEMO_BYTES) {
            throw new IllegalArgumentException("memo longer than " + MAX_MEMO_BYTES + " bytes");
        }
    }

    public byte[] digest() {
        return new Canonical(DOMAIN).fixed(from.bytes()).fixed(to.bytes()).u64(amount).u64(nonce)
                .bytes(memo.getBytes(StandardCharsets.UTF_8)).digest();
    }

    public Signed sign(KeyPair sender) {
        if (!sender.address().equals(from)) {
            throw new IllegalArgumentException("signing key is not the sender " + from);
        }
        return new Signed(this, PublicKey.of(sender.publicKey()), sender.sign(digest()));
    }

    /**
     * A transfer with the sender's public key and signature; valid only if the key hashes to
     * {@code from} and the signature verifies.
     */
    public record Signed(Transfer transfer, PublicKey senderKey, Signature signature) {
        public boolean verify() {
            try {
                return senderKey.address().equals(transfer.from())
                        && Secp256k1.verify(senderKey, transfer.digest(), signature);
            } catch (CryptoException e) {
                return false;
            }
        }

        /** Operation id: keccak256 over the signed message and signature, for idempotent submission. */
        public byte[] id() {
            return new Canonical("btspeed/op-id/v1").fixed(transfer.digest()).fixed(signature.encode()).digest();
        }
    }
}
