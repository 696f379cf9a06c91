package io.btspeed.protocol.ext;

import io.btspeed.protocol.ProtocolException;
import io.btspeed.protocol.bencode.BBytes;
import io.btspeed.protocol.bencode.BDict;
import io.btspeed.protocol.bencode.BInt;
import io.btspeed.protocol.bencode.BValue;
import io.btspeed.protocol.bencode.Bencode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The BEP 10 extended handshake: which extensions a peer speaks and under which message ids
 * ({@code m}), plus its listen port, client name, metadata size (BEP 9) and request queue depth.
 *
 * @param m            extension name → id the sender wants to receive it as (0 = disabled)
 * @param port         the sender's listen port, 0 if absent
 * @param metadataSize size of the info dictionary, -1 if absent
 * @param reqq         how many outstanding requests the sender accepts, 0 if absent
 * @param raw          the whole decoded dictionary (other extensions read their own fields), may be null
 */
public record ExtendedHandshake(Map<String, Integer> m, int port, String client, long metadataSize, int reqq, BDict raw) {
    /** A peer's info dictionary above this size is refused (real ones are far smaller). */
    public static final long MAX_METADATA_SIZE = 64L << 20;

    public ExtendedHandshake {
        m = Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }

    public byte[] encode() {
        BDict.Builder mm = BDict.builder();
        m.forEach((k, v) -> mm.put(k, new BInt(v)));
        BDict.Builder b = raw != null ? copy(raw) : BDict.builder();
        b.put("m", mm.build());
        if (port > 0) b.put("p", new BInt(port));
        if (client != null) b.put("v", BBytes.of(client));
        if (metadataSize >= 0) b.put("metadata_size", new BInt(metadataSize));
        if (reqq > 0) b.put("reqq", new BInt(reqq));
        return Bencode.encode(b.build());
    }

    private static BDict.Builder copy(BDict d) {
        BDict.Builder b = BDict.builder();
        d.entries().forEach(b::put);
        return b;
    }

    /** Lenient about unknown and oddly-typed optional fields (clients differ), strict about structure. */
    public static ExtendedHandshake decode(byte[] payload) {
        BValue v;
        try {
            v = Bencode.decodeLenient(payload);
        } catch (ProtocolException e) {
            throw new ExtensionException("extended handshake is not valid bencode: " + e.getMessage());
        }
        if (!(v instanceof BDict d)) throw new ExtensionException("extended handshake is not a dictionary");
        Map<String, Integer> m = new LinkedHashMap<>();
        if (d.get("m") instanceof BDict md) {
            for (Map.Entry<String, BValue> e : md.entries().entrySet()) {
                if (e.getValue() instanceof BInt(long id) && id >= 0 && id <= 255) m.put(e.getKey(), (int) id);
            }
        }
        int port = d.get("p") instanceof BInt(long p) && p > 0 && p <= 65535 ? (int) p : 0;
        String client = d.get("v") instanceof BBytes b ? b.asString() : null;
        long ms = d.get("metadata_size") instanceof BInt(long s) && s > 0 && s <= MAX_METADATA_SIZE ? s : -1;
        int reqq = d.get("reqq") instanceof BInt(long q) && q > 0 ? (int) Math.min(q, 100_000) : 0;
        return new ExtendedHandshake(m, port, client, ms, reqq, d);
    }

    /** The id the peer assigned to {@code name}, or 0 when it does not speak it. */
    public int idOf(String name) {
        return m.getOrDefault(name, 0);
    }
}
