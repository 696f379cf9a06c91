package io.btspeed.tracker.http;

import io.btspeed.tracker.TrackerRequestException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A raw URL query string split into parameters whose values are the exact bytes the client
 * percent-encoded. info_hash and peer_id are binary, so values must never pass through a text
 * decoder (a UTF-8 round trip would corrupt every byte above 0x7F).
 *
 * <p>Strict: only printable ASCII, every '%' followed by two hex digits, bounded length and count.
 */
public final class HttpQuery {
    /** Longer than any honest announce or a scrape of {@link #MAX_PARAMS} hashes. */
    public static final int MAX_QUERY_LENGTH = 8192;
    public static final int MAX_PARAMS = 100;

    private final Map<String, List<byte[]>> params;

    private HttpQuery(Map<String, List<byte[]>> params) {
        this.params = params;
    }

    /** @param rawQuery the query exactly as sent (after '?', still percent-encoded); null or empty = no parameters */
    public static HttpQuery parse(String rawQuery) {
        Map<String, List<byte[]>> out = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) return new HttpQuery(out);
        if (rawQuery.length() > MAX_QUERY_LENGTH) {
            throw new TrackerRequestException("query is longer than " + MAX_QUERY_LENGTH + " characters");
        }
        int count = 0;
        int start = 0;
        while (start <= rawQuery.length()) {
            int amp = rawQuery.indexOf('&', start);
            int end = amp < 0 ? rawQuery.length() : amp;
            if (end > start) { // empty pieces ("a=1&&b=2", a trailing '&') carry nothing
                if (++count > MAX_PARAMS) throw new TrackerRequestException("more than " + MAX_PARAMS + " query parameters");
                int eq = rawQuery.indexOf('=', start);
                String key;
                byte[] value;
                if (eq < 0 || eq >= end) {
                    key = new String(decode(rawQuery, start, end), StandardCharsets.ISO_8859_1);
                    value = new byte[0];
                } else {
                    key = new String(decode(rawQuery, start, eq), StandardCharsets.ISO_8859_1);
                    value = decode(rawQuery, eq + 1, end);
                }
                out.computeIfAbsent(key, k -> new ArrayList<>(1)).add(value);
            }
            if (amp < 0) break;
            start = amp + 1;
        }
        return new HttpQuery(out);
    }

    private static byte[] decode(String s, int from, int to) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(to - from);
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= to) throw new TrackerRequestException("truncated %-escape at offset " + i);
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0 || s.charAt(i + 1) > 0x7f || s.charAt(i + 2) > 0x7f) {
                    throw new TrackerRequestException("bad %-escape at offset " + i);
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else if (c == '+') {
                out.write(' '); // form encoding: '+' is a space; binary values always escape a real '+'
            } else if (c > 0x20 && c < 0x7f) {
                out.write(c);
            } else {
                throw new TrackerRequestException("character 0x" + Integer.toHexString(c) + " must be %-escaped (offset " + i + ")");
            }
        }
        return out.toByteArray();
    }

    /** All values of a parameter, in order; empty when absent. */
    public List<byte[]> all(String key) {
        return params.getOrDefault(key, List.of());
    }

    /** The only value of a parameter, or null when absent; a parameter given twice is an error. */
    public byte[] single(String key) {
        List<byte[]> v = params.get(key);
        if (v == null) return null;
        if (v.size() > 1) throw new TrackerRequestException(key + " given " + v.size() + " times");
        return v.getFirst();
    }

    public String singleText(String key) {
        byte[] v = single(key);
        return v == null ? null : new String(v, StandardCharsets.ISO_8859_1);
    }

    public boolean has(String key) {
        return params.containsKey(key);
    }
}
