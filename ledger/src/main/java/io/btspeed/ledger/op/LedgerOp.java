package io.btspeed.ledger.op;

import io.btspeed.ledger.ChannelId;
import io.btspeed.ledger.TokenInfo;
import io.btspeed.ledger.crypto.Address;
import io.btspeed.ledger.crypto.Keccak;
import java.nio.charset.StandardCharsets;

/** Every operation the ledger accepts, as it is journaled and replayed. */
public sealed interface LedgerOp {
    /** Stable identity for idempotency: the same op submitted twice has the same id. */
    byte[] id();

    String kind();

    /** Creates the ledger: the whole supply goes to one account. Only ever the first journal record. */
    record Genesis(TokenInfo token, Address holder) implements LedgerOp {
        public byte[] id() {
            return Keccak.keccak256("btspeed/genesis/v1".getBytes(StandardCharsets.US_ASCII),
                    token.symbol().getBytes(StandardCharsets.UTF_8), new byte[] {(byte) token.decimals()},
                    java.nio.ByteBuffer.allocate(8).putLong(token.supply()).array(), holder.bytes());
        }

        public String kind() {
            return "genesis";
        }
    }

    record TransferOp(Transfer.Signed signed) implements LedgerOp {
        public byte[] id() {
            return signed.id();
        }

        public String kind() {
            return "transfer";
        }
    }

    record OpenOp(ChannelOpen.Signed signed) implements LedgerOp {
        public byte[] id() {
            return signed.id();
        }

        public String kind() {
            return "channel-open";
        }
    }

    record CloseOp(ChannelClose.Signed signed) implements LedgerOp {
        public byte[] id() {
            return signed.id();
        }

        public String kind() {
            return "channel-close";
        }
    }

    /** Unsigned on purpose: its only possible effect is returning an expired channel's escrow to the payer. */
    record RefundOp(ChannelId channel) implements LedgerOp {
        public byte[] id() {
            return Keccak.keccak256("btspeed/channel-refund/v1".getBytes(StandardCharsets.US_ASCII), channel.bytes());
        }

        public String kind() {
            return "channel-refund";
        }
    }
}
