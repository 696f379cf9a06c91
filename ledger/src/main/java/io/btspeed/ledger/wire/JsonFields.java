package io.btspeed.ledger.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.btspeed.ledger.LedgerException;
import io.btspeed.ledger.crypto.Address;
import io.btspeed.ledger.crypto.CryptoException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Set;

/**
 * Strict reading of one JSON object: only the named fields may appear, each with exactly the
 * expected JSON type. Numbers must be JSON integers that fit a {@code long} (no floats, no quoted
 * numbers), hex strings must have their exact length, so every accepted document means one thing.
 * Every failure is a {@link LedgerException} with code INVALID_REQUEST naming the field.
 */
final class JsonFields {
    private final ObjectNode node;
    private final String what;

    private JsonFields(ObjectNode node, String what) {
        this.node = node;
        this.what = what;
    }

    /** Checks {@code value} is an object holding no field outside {@code allowed}. */
    static JsonFields of(JsonNode value, String what, Set<String> allowed) {
        if (value == null || !value.isObject()) {
            throw invalid(what + " must be a JSON object");
        }
        Iterator<String> names = value.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw invalid(what + ": unknown field \"" + printable(name) + "\"");
            }
        }
        return new JsonFields((ObjectNode) value, what);
    }

    JsonNode required(String field) {
        JsonNode v = node.get(field);
        if (v == null) {
            throw invalid(what + ": missing field \"" + field + "\"");
        }
        return v;
    }

    boolean isAbsentOrNull(String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull();
    }

    long longValue(String field) {
        JsonNode v = required(field);
        // isIntegralNumber excludes 1.0 and 1e3; canConvertToLong excludes integers beyond 64 bits.
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw invalid(what + ": \"" + field + "\" must be a JSON integer within 64 bits");
        }
        return v.longValue();
    }

    long nonNegative(String field) {
        long v = longValue(field);
        if (v < 0) {
            throw invalid(what + ": \"" + field + "\" must not be negative, got " + v);
        }
        return v;
    }

    int intValue(String field, int min, int max) {
        long v = longValue(field);
        if (v < min || v > max) {
            throw invalid(what + ": \"" + field + "\" must be in " + min + ".." + max + ", got " + v);
        }
        return (int) v;
    }

    String text(String field, int maxChars) {
        JsonNode v = required(field);
        if (!v.isTextual()) {
            throw invalid(what + ": \"" + field + "\" must be a string");
        }
        String s = v.textValue();
        if (s.length() > maxChars) {
            throw invalid(what + ": \"" + field + "\" longer than " + maxChars + " characters");
        }
        return s;
    }

    /** Hex of exactly {@code bytes} bytes, lower or upper case, no prefix. */
    byte[] hex(String field, int bytes) {
        String s = text(field, bytes * 2);
        if (s.length() != bytes * 2) {
            throw invalid(what + ": \"" + field + "\" must be " + bytes * 2 + " hex characters, got " + s.length());
        }
        try {
            return HexFormat.of().parseHex(s);
        } catch (IllegalArgumentException e) {
            throw invalid(what + ": \"" + field + "\" is not hex");
        }
    }

    Address address(String field) {
        String s = text(field, 64);
        try {
            return Address.parse(s);
        } catch (CryptoException e) {
            throw invalid(what + ": \"" + field + "\" is not an address: " + e.getMessage());
        }
    }

    JsonNode object(String field) {
        JsonNode v = required(field);
        if (!v.isObject()) {
            throw invalid(what + ": \"" + field + "\" must be an object");
        }
        return v;
    }

    JsonNode array(String field, int maxItems) {
        JsonNode v = required(field);
        if (!v.isArray()) {
            throw invalid(what + ": \"" + field + "\" must be an array");
        }
        if (v.size() > maxItems) {
            throw invalid(what + ": \"" + field + "\" has more than " + maxItems + " items");
        }
        return v;
    }

    static LedgerException invalid(String message) {
        return new LedgerException(LedgerException.Code.INVALID_REQUEST, message);
    }

    /** Field names come from outside: keep error messages short and free of control characters. */
    static String printable(String s) {
        String cut = s.length() > 40 ? s.substring(0, 40) + "…" : s;
        return cut.codePoints().map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    }
}
