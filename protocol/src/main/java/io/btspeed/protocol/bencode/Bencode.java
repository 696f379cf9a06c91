package io.btspeed.protocol.bencode;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Strict bencode (BEP 3). The decoder accepts only canonical encodings: no leading zeros, no
 * {@code -0}, dictionary keys in strictly increasing byte order (so no duplicates), nothing after
 * the value, nesting at most {@link #MAX_DEPTH} deep. Strictness matters because the info-hash is
 * computed over raw bytes: two encodings of "the same" dictionary would be two different torrents.
 */
public final class Bencode {
    public static final int MAX_DEPTH = 64;

    private Bencode() {}

    /** A value decoded from the start of a buffer and the offset just past it. */
    public record Decoded(BValue value, int end) {}

    public static BValue decode(byte[] data) {
        return decode(data, 0, data.length);
    }

    public static BValue decode(byte[] data, int off, int len) {
        return decode(data, off, len, MAX_DEPTH);
    }

    /**
     * Strict decode with a caller-chosen nesting limit ({@code maxDepth} nested lists/dictionaries;
     * scalars inside the innermost one do not count).
     */
    public static BValue decode(byte[] data, int off, int len, int maxDepth) {
        Decoded d = decodePrefix(data, off, len, false, maxDepth);
        if (d.end() != off + len) {
            throw new BencodeException("trailing data after the value at offset " + (d.end() - off));
        }
        return d.value();
    }

    /**
     * Like {@link #decode(byte[])} but accepts dictionary keys out of order (still no duplicates).
     * For messages from peers and trackers, where some clients do not sort and nothing is hashed.
     */
    public static BValue decodeLenient(byte[] data) {
        Decoded d = decodePrefix(data, 0, data.length, true, MAX_DEPTH);
        if (d.end() != data.length) throw new BencodeException("trailing data after the value at offset " + d.end());
        return d.value();
    }

    /** Decodes one value at {@code off} and reports where it ended (ut_metadata appends raw data). */
    public static Decoded decodePrefix(byte[] data, int off, int len) {
        return decodePrefix(data, off, len, false, MAX_DEPTH);
    }

    public static Decoded decodePrefixLenient(byte[] data, int off, int len) {
        return decodePrefix(data, off, len, true, MAX_DEPTH);
    }

    private static Decoded decodePrefix(byte[] data, int off, int len, boolean lenient, int maxDepth) {
        if (off < 0 || len < 0 || off > data.length - len) throw new IllegalArgumentException("bad range");
        if (maxDepth < 1) throw new IllegalArgumentException("maxDepth must be at least 1");
        Reader r = new Reader(data, off, off + len);
        r.lenient = lenient;
        r.maxDepth = maxDepth;
        BValue v = r.value(0);
        return new Decoded(v, r.pos);
    }

    /** Canonical encoding: dictionary keys sorted by their raw bytes. */
    public static byte[] encode(BValue v) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(v, out);
        return out.toByteArray();
    }

    private static void write(BValue v, ByteArrayOutputStream out) {
        switch (v) {
            case BInt(long x) -> {
                out.write('i');
                out.writeBytes(Long.toString(x).getBytes(StandardCharsets.US_ASCII));
                out.write('e');
            }
            case BBytes b -> writeString(b.bytes(), out);
            case BList(List<BValue> items) -> {
                out.write('l');
                for (BValue i : items) write(i, out);
                out.write('e');
            }
            case BDict(Map<String, BValue> entries) -> {
                out.write('d');
                // ISO-8859-1 strings compare char by char = unsigned byte order, as BEP 3 requires
                for (Map.Entry<String, BValue> e : new TreeMap<>(entries).entrySet()) {
                    writeString(e.getKey().getBytes(StandardCharsets.ISO_8859_1), out);
                    write(e.getValue(), out);
                }
                out.write('e');
            }
        }
    }

    private static void writeString(byte[] b, ByteArrayOutputStream out) {
        out.writeBytes(Integer.toString(b.length).getBytes(StandardCharsets.US_ASCII));
        out.write(':');
        out.writeBytes(b);
    }

    /**
     * Where the raw value of {@code topLevelKey} sits in a top-level dictionary: {@code [start, end)}.
     * Used to hash the {@code info} dictionary exactly as it was written.
     */
    public static int[] rawValueSpan(byte[] data, String topLevelKey) {
        return rawValueSpan(data, topLevelKey, false);
    }

    /** {@link #rawValueSpan(byte[], String)} that, like {@link #decodeLenient}, accepts keys out of order. */
    public static int[] rawValueSpanLenient(byte[] data, String topLevelKey) {
        return rawValueSpan(data, topLevelKey, true);
    }

    private static int[] rawValueSpan(byte[] data, String topLevelKey, boolean lenient) {
        Reader r = new Reader(data, 0, data.length);
        r.maxDepth = MAX_DEPTH;
        r.lenient = lenient;
        if (r.pos >= r.end || data[r.pos] != 'd') throw new BencodeException("not a dictionary at offset 0");
        r.pos++;
        String prev = null;
        while (true) {
            if (r.pos >= r.end) throw new BencodeException("unterminated dictionary");
            if (data[r.pos] == 'e') {
                throw new BencodeException("no key '" + topLevelKey + "' in the dictionary");
            }
            String key = r.key(prev, null);
            prev = key;
            int start = r.pos;
            r.value(1);
            if (key.equals(topLevelKey)) return new int[] {start, r.pos};
        }
    }

    private static final class Reader {
        final byte[] d;
        int pos;
        final int end;
        boolean lenient;
        int maxDepth;

        Reader(byte[] d, int pos, int end) {
            this.d = d;
            this.pos = pos;
            this.end = end;
        }

        BencodeException err(String what) {
            return new BencodeException(what + " at offset " + pos);
        }

        /** {@code depth} = how many containers enclose this value. */
        BValue value(int depth) {
            if (pos >= end) throw err("unexpected end of data");
            byte c = d[pos];
            return switch (c) {
                case 'i' -> integer();
                case 'l' -> list(depth);
                case 'd' -> dict(depth);
                default -> {
                    if (c >= '0' && c <= '9') yield new BBytes(string());
                    throw err("unexpected byte 0x" + Integer.toHexString(c & 0xff));
                }
            };
        }

        BInt integer() {
            pos++;
            boolean neg = false;
            if (pos < end && d[pos] == '-') {
                neg = true;
                pos++;
            }
            int digits = pos;
            long v = 0;
            while (pos < end && d[pos] != 'e') {
                byte b = d[pos];
                if (b < '0' || b > '9') throw err("bad digit in integer");
                int digit = b - '0';
                // accumulate negatively so Long.MIN_VALUE parses without overflow
                if (v < (Long.MIN_VALUE + digit) / 10) throw err("integer overflows 64 bits");
                v = v * 10 - digit;
                pos++;
            }
            if (pos >= end) throw err("unterminated integer");
            int n = pos - digits;
            if (n == 0) throw err("empty integer");
            if (d[digits] == '0' && n > 1) throw err("leading zero in integer");
            if (neg && d[digits] == '0') throw err("negative zero");
            if (!neg && v == Long.MIN_VALUE) throw err("integer overflows 64 bits");
            pos++; // 'e'
            return new BInt(neg ? v : -v);
        }

        byte[] string() {
            long len = 0;
            int digits = pos;
            while (pos < end && d[pos] != ':') {
                byte b = d[pos];
                if (b < '0' || b > '9') throw err("bad digit in string length");
                len = len * 10 + (b - '0');
                if (len > Integer.MAX_VALUE) throw err("string length too large");
                pos++;
            }
            if (pos >= end) throw err("unterminated string length");
            if (pos - digits > 1 && d[digits] == '0') throw err("leading zero in string length");
            pos++; // ':'
            if (len > end - pos) throw err("string of " + len + " bytes runs past the end of the data");
            byte[] s = new byte[(int) len];
            System.arraycopy(d, pos, s, 0, (int) len);
            pos += (int) len;
            return s;
        }

        private void enter(int depth) {
            // the container opened here is number depth + 1
            if (depth >= maxDepth) throw err("nesting deeper than " + maxDepth + " levels");
        }

        BList list(int depth) {
            enter(depth);
            pos++;
            List<BValue> items = new ArrayList<>();
            while (true) {
                if (pos >= end) throw err("unterminated list");
                if (d[pos] == 'e') {
                    pos++;
                    return new BList(items);
                }
                items.add(value(depth + 1));
            }
        }

        String key(String prev, Map<String, BValue> seen) {
            if (pos >= end) throw err("unterminated dictionary");
            byte c = d[pos];
            if (c < '0' || c > '9') throw err("dictionary key is not a string");
            String key = new String(string(), StandardCharsets.ISO_8859_1);
            if (lenient) {
                if (seen != null && seen.containsKey(key)) throw err("duplicate dictionary key '" + key + "'");
            } else if (prev != null) {
                int cmp = key.compareTo(prev);
                if (cmp == 0) throw err("duplicate dictionary key '" + key + "'");
                if (cmp < 0) throw err("dictionary keys not sorted ('" + key + "' after '" + prev + "')");
            }
            return key;
        }

        BDict dict(int depth) {
            enter(depth);
            pos++;
            Map<String, BValue> m = new LinkedHashMap<>();
            String prev = null;
            while (true) {
                if (pos >= end) throw err("unterminated dictionary");
                if (d[pos] == 'e') {
                    pos++;
                    return new BDict(m);
                }
                String key = key(prev, m);
                prev = key;
                m.put(key, value(depth + 1));
            }
        }
    }
}
