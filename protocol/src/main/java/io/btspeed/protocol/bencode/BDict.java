package io.btspeed.protocol.bencode;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A bencoded dictionary. Keys are the raw key bytes as ISO-8859-1 strings: one char per byte, so
 * they round-trip exactly and sort like the raw bytes, as the spec orders them.
 */
public record BDict(Map<String, BValue> entries) implements BValue {
    public BDict {
        entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Key text (UTF-8) as the ISO-8859-1 form used for keys. */
    public static String key(String utf8) {
        return new String(utf8.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    public BValue get(String key) {
        return entries.get(key);
    }

    public boolean has(String key) {
        return entries.containsKey(key);
    }

    private BValue require(String key) {
        BValue v = entries.get(key);
        if (v == null) throw new BencodeException("missing key '" + key + "'");
        return v;
    }

    private static BencodeException wrongType(String key, String want, BValue got) {
        return new BencodeException("key '" + key + "' should be " + want + ", is " + kind(got));
    }

    static String kind(BValue v) {
        return switch (v) {
            case BInt i -> "an integer";
            case BBytes b -> "a string";
            case BList l -> "a list";
            case BDict d -> "a dictionary";
        };
    }

    public String string(String key) {
        if (require(key) instanceof BBytes b) return b.asString();
        throw wrongType(key, "a string", get(key));
    }

    public byte[] bytes(String key) {
        if (require(key) instanceof BBytes b) return b.bytes();
        throw wrongType(key, "a string", get(key));
    }

    public long integer(String key) {
        if (require(key) instanceof BInt i) return i.value();
        throw wrongType(key, "an integer", get(key));
    }

    public BDict dict(String key) {
        if (require(key) instanceof BDict d) return d;
        throw wrongType(key, "a dictionary", get(key));
    }

    public BList list(String key) {
        if (require(key) instanceof BList l) return l;
        throw wrongType(key, "a list", get(key));
    }

    public Optional<String> optString(String key) {
        return has(key) ? Optional.of(string(key)) : Optional.empty();
    }

    public Optional<byte[]> optBytes(String key) {
        return has(key) ? Optional.of(bytes(key)) : Optional.empty();
    }

    public Optional<Long> optInteger(String key) {
        return has(key) ? Optional.of(integer(key)) : Optional.empty();
    }

    public Optional<BDict> optDict(String key) {
        return has(key) ? Optional.of(dict(key)) : Optional.empty();
    }

    public Optional<BList> optList(String key) {
        return has(key) ? Optional.of(list(key)) : Optional.empty();
    }

    /** Builds a dictionary; the encoder sorts keys, so insertion order does not matter on the wire. */
    public static final class Builder {
        private final Map<String, BValue> m = new LinkedHashMap<>();

        public Builder put(String key, BValue value) {
            m.put(key, value);
            return this;
        }

        public Builder put(String key, long value) {
            return put(key, new BInt(value));
        }

        public Builder put(String key, String utf8) {
            return put(key, BBytes.of(utf8));
        }

        public Builder put(String key, byte[] value) {
            return put(key, new BBytes(value));
        }

        public BDict build() {
            return new BDict(m);
        }
    }
}
