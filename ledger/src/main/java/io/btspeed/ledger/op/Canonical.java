package io.btspeed.ledger.op;

import io.btspeed.ledger.crypto.Keccak;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Fixed-layout byte encoding of a message for signing: a domain tag (so a signature for one kind of
 * message can never be replayed as another), then fields as fixed-width big-endian values or
 * length-prefixed bytes. The digest signed is keccak256 of that encoding.
 */
final class Canonical {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(128);

    Canonical(String domain) {
        bytes(domain.getBytes(StandardCharsets.US_ASCII));
    }

    Canonical u64(long v) {
        out.writeBytes(ByteBuffer.allocate(8).putLong(v).array());
        return this;
    }

    Canonical fixed(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    Canonical bytes(byte[] b) {
        out.writeBytes(ByteBuffer.allocate(4).putInt(b.length).array());
        out.writeBytes(b);
        return this;
    }

    byte[] digest() {
        return Keccak.keccak256(out.toByteArray());
    }
}
