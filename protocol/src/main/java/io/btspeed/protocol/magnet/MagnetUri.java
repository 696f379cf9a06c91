package io.btspeed.protocol.magnet;

import io.btspeed.protocol.metainfo.InfoHash;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A BitTorrent magnet link (BEP 9): {@code xt=urn:btih:} with a 40-digit hex or 32-character
 * base32 info-hash, optional {@code dn} (display name), {@code tr} (trackers, repeatable) and
 * {@code x.pe} (peer addresses, repeatable).
 */
public record MagnetUri(InfoHash infoHash, String displayName, List<String> trackers, List<String> peers) {
    /** Magnet links are typed or pasted by people; anything longer is not a real one. */
    public static final int MAX_LENGTH = 64 * 1024;

    public MagnetUri {
        trackers = List.copyOf(trackers);
        peers = List.copyOf(peers);
    }

    public static MagnetUri parse(String uri) {
        if (uri == null) throw new MagnetException("no magnet link");
        if (uri.length() > MAX_LENGTH) throw new MagnetException("magnet link longer than " + MAX_LENGTH + " characters");
        if (!uri.regionMatches(true, 0, "magnet:?", 0, 8)) throw new MagnetException("a magnet link starts with 'magnet:?'");
        InfoHash ih = null;
        boolean v2Only = false;
        String dn = null;
        List<String> tr = new ArrayList<>();
        List<String> pe = new ArrayList<>();
        String query = uri.substring(8);
        int fragment = query.indexOf('#');
        if (fragment >= 0) query = query.substring(0, fragment);
        for (String part : query.split("&")) {
            if (part.isEmpty()) continue;
            int eq = part.indexOf('=');
            if (eq <= 0) throw new MagnetException("parameter without a value: '" + part + "'");
            String key = part.substring(0, eq).toLowerCase(Locale.ROOT);
            String value = percentDecode(part.substring(eq + 1));
            // the magnet format numbers repeated parameters (xt.1, tr.2); they mean the same as the bare key
            int dot = key.lastIndexOf('.');
            if (dot > 0 && !key.equals("x.pe") && key.substring(dot + 1).chars().allMatch(Character::isDigit)) {
                key = key.substring(0, dot);
            }
            switch (key) {
                case "xt" -> {
                    if (value.regionMatches(true, 0, "urn:btih:", 0, 9)) {
                        if (ih != null) throw new MagnetException("more than one btih info-hash");
                        ih = btih(value.substring(9));
                    } else if (value.regionMatches(true, 0, "urn:btmh:", 0, 9)) {
                        v2Only = true;
                    }
                    // other xt kinds (e.g. urn:btmh: for v2) are ignored: a hybrid link also has btih
                }
                case "dn" -> dn = value;
                case "tr" -> {
                    if (!value.isBlank()) tr.add(value);
                }
                case "x.pe" -> pe.add(peer(value));
                default -> { /* unknown parameters are allowed by the spec */ }
            }
        }
        if (ih == null && v2Only) throw new MagnetException("v2-only magnet links (urn:btmh) are not supported: no btih info-hash");
        if (ih == null) throw new MagnetException("no 'xt=urn:btih:' info-hash in the magnet link");
        return new MagnetUri(ih, dn, tr, pe);
    }

    /**
     * A peer address HOST:PORT, [IPv6]:PORT or a bare IPv6:PORT; checked here so a typo surfaces as a
     * clear error at parse time instead of a failed dial later. Host names are kept (never resolved).
     */
    static String peer(String value) {
        int colon = value.lastIndexOf(':');
        if (colon <= 0 || colon == value.length() - 1) throw new MagnetException("x.pe must be HOST:PORT: '" + value + "'");
        String host = value.substring(0, colon);
        String port = value.substring(colon + 1);
        if (port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new MagnetException("x.pe port is not a number: '" + value + "'");
        }
        int p = Integer.parseInt(port);
        if (p < 1 || p > 65535) throw new MagnetException("x.pe port out of range: '" + value + "'");
        if (host.startsWith("[") != host.endsWith("]")) throw new MagnetException("x.pe has unbalanced brackets: '" + value + "'");
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        if (bare.isEmpty()) throw new MagnetException("x.pe has no host: '" + value + "'");
        for (int i = 0; i < bare.length(); i++) {
            char c = bare.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-'
                    || c == ':' || c == '_' || c == '%';
            if (!ok) throw new MagnetException("x.pe host has a bad character: '" + value + "'");
        }
        return value;
    }

    private static InfoHash btih(String s) {
        if (s.length() == 40) {
            try {
                return InfoHash.fromHex(s.toLowerCase(Locale.ROOT));
            } catch (RuntimeException e) {
                throw new MagnetException("btih is not 40 hex digits: '" + s + "'");
            }
        }
        if (s.length() == 32) return new InfoHash(base32(s));
        throw new MagnetException("btih must be 40 hex digits or 32 base32 characters, got " + s.length() + " characters");
    }

    private static byte[] base32(String s) {
        byte[] out = new byte[20];
        long buffer = 0;
        int bits = 0;
        int o = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = Character.toUpperCase(s.charAt(i));
            int v;
            if (c >= 'A' && c <= 'Z') v = c - 'A';
            else if (c >= '2' && c <= '7') v = c - '2' + 26;
            else throw new MagnetException("btih is not base32: bad character '" + s.charAt(i) + "'");
            buffer = (buffer << 5) | v;
            bits += 5;
            if (bits >= 8) {
                out[o++] = (byte) (buffer >>> (bits - 8));
                bits -= 8;
            }
        }
        return out;
    }

    private static String percentDecode(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length()) throw new MagnetException("truncated percent escape in '" + s + "'");
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) throw new MagnetException("bad percent escape in '" + s + "'");
                out.write(hi * 16 + lo);
                i += 2;
            } else if (c == '+') {
                out.write(' ');
            } else {
                // copy a run of unescaped characters at once so surrogate pairs stay together
                int j = i;
                while (j < s.length() && s.charAt(j) != '%' && s.charAt(j) != '+') j++;
                out.writeBytes(s.substring(i, j).getBytes(StandardCharsets.UTF_8));
                i = j - 1;
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    public String toUri() {
        StringBuilder b = new StringBuilder("magnet:?xt=urn:btih:").append(infoHash.hex());
        if (displayName != null) b.append("&dn=").append(enc(displayName));
        for (String t : trackers) b.append("&tr=").append(enc(t));
        for (String p : peers) b.append("&x.pe=").append(enc(p));
        return b.toString();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
