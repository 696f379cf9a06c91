package io.btspeed.ledger.store;

import io.btspeed.ledger.crypto.Keccak;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One accepted operation in the append-only journal. Each record's hash covers the previous hash,
 * so changing, inserting or removing any record after the fact breaks every later link.
 */
public record JournalRecord(long seq, byte[] opId, String kind, long atMillis, byte[] body, byte[] prevHash, byte[] hash) {
    public static final byte[] ZERO_HASH = new byte[32];

    public static byte[] hash(byte[] prevHash, long seq, byte[] opId, String kind, long atMillis, byte[] body) {
        return Keccak.keccak256(prevHash, ByteBuffer.allocate(16).putLong(seq).putLong(atMillis).array(), opId,
                kind.getBytes(StandardCharsets.US_ASCII), new byte[] {0}, body);
    }
}
