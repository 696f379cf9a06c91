package io.btspeed.ledger;

import java.util.HexFormat;

/** Proof an operation was accepted and is durable: its id, its place in the journal and the ledger time. */
public record Receipt(byte[] opId, long journalSeq, long atMillis) {
    public Receipt {
        opId = opId.clone();
    }

    @Override
    public byte[] opId() {
        return opId.clone();
    }

    public String opIdHex() {
        return HexFormat.of().formatHex(opId);
    }
}
