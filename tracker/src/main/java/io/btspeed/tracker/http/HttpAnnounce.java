package io.btspeed.tracker.http;

import io.btspeed.protocol.metainfo.InfoHash;
import io.btspeed.tracker.AnnounceEvent;
import io.btspeed.tracker.AnnounceRequest;
import io.btspeed.tracker.TrackerRequestException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An HTTP announce (BEP 3) decoded from its query, with the reply format the client asked for.
 *
 * @param compact  BEP 23 binary peer list (the default when the client does not say)
 * @param noPeerId leave "peer id" out of dictionary peers
 */
public record HttpAnnounce(AnnounceRequest request, boolean compact, boolean noPeerId) {
    /** Most info-hashes in one scrape: keeps the reply small and the work per request bounded. */
    public static final int MAX_SCRAPE_HASHES = 64;

    /**
     * @param source        the address the HTTP request came from
     * @param trustClientIp whether an "ip" parameter may replace it
     */
    public static HttpAnnounce parse(HttpQuery q, InetAddress source, boolean trustClientIp) {
        InfoHash infoHash = infoHash(q.single("info_hash"));
        byte[] peerId = q.single("peer_id");
        if (peerId == null) throw new TrackerRequestException("missing peer_id");
        if (peerId.length != AnnounceRequest.PEER_ID_LENGTH) {
            throw new TrackerRequestException("peer_id must be 20 bytes, got " + peerId.length);
        }
        int port = (int) number(q, "port", 0, 65535, -1);
        if (port < 0) throw new TrackerRequestException("missing port");
        if (port == 0) throw new TrackerRequestException("port must be 1..65535, got 0");
        long uploaded = number(q, "uploaded", 0, Long.MAX_VALUE, 0);
        long downloaded = number(q, "downloaded", 0, Long.MAX_VALUE, 0);
        long left = number(q, "left", 0, Long.MAX_VALUE, -1);
        if (left < 0) throw new TrackerRequestException("missing left");
        int numWant = numWant(q.singleText("numwant"));
        AnnounceEvent event = event(q.singleText("event"));
        InetAddress address = source;
        String ip = q.singleText("ip");
        if (trustClientIp && ip != null && !ip.isEmpty()) address = literalAddress(ip);
        String compact = q.singleText("compact");
        if (compact != null && !compact.equals("0") && !compact.equals("1")) {
            throw new TrackerRequestException("compact must be 0 or 1");
        }
        boolean noPeerId = "1".equals(q.singleText("no_peer_id"));
        return new HttpAnnounce(new AnnounceRequest(infoHash, peerId, address, port, uploaded, downloaded, left, event, numWant),
                !"0".equals(compact), noPeerId);
    }

    /** The info-hashes of a scrape (BEP 48): at least one, at most {@link #MAX_SCRAPE_HASHES}. */
    public static List<InfoHash> scrapeHashes(HttpQuery q) {
        List<byte[]> raw = q.all("info_hash");
        if (raw.isEmpty()) throw new TrackerRequestException("scrape needs at least one info_hash (full scrape is not offered)");
        if (raw.size() > MAX_SCRAPE_HASHES) throw new TrackerRequestException("at most " + MAX_SCRAPE_HASHES + " info_hash per scrape");
        List<InfoHash> out = new ArrayList<>(raw.size());
        for (byte[] h : raw) out.add(infoHash(h));
        return out;
    }

    private static InfoHash infoHash(byte[] raw) {
        if (raw == null) throw new TrackerRequestException("missing info_hash");
        if (raw.length != 20) throw new TrackerRequestException("info_hash must be 20 bytes, got " + raw.length);
        return new InfoHash(raw);
    }

    private static long number(HttpQuery q, String key, long min, long max, long absent) {
        byte[] v = q.single(key);
        if (v == null) return absent;
        String s = new String(v, StandardCharsets.ISO_8859_1);
        // digits only: no sign, no spaces, no hex; 19 digits always fit in a long
        if (s.isEmpty() || s.length() > 19 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new TrackerRequestException(key + " is not a non-negative decimal number");
        }
        long n = Long.parseLong(s);
        if (n < min || n > max) throw new TrackerRequestException(key + " must be " + min + ".." + max + ", got " + n);
        return n;
    }

    /** Absent or negative (some clients send -1) = the tracker's default; larger than an int = as many as allowed. */
    private static int numWant(String v) {
        if (v == null) return -1;
        String digits = v.startsWith("-") ? v.substring(1) : v;
        if (digits.isEmpty() || digits.length() > 19 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new TrackerRequestException("numwant is not a decimal number");
        }
        if (v.startsWith("-")) return -1;
        long n = Long.parseLong(digits);
        return (int) Math.min(n, Integer.MAX_VALUE);
    }

    private static AnnounceEvent event(String e) {
        if (e == null) return AnnounceEvent.NONE;
        return switch (e) {
            case "", "empty" -> AnnounceEvent.NONE;
            case "paused" -> AnnounceEvent.NONE; // BEP 21 upload-only peers: a regular announce for the swarm
            case "started" -> AnnounceEvent.STARTED;
            case "completed" -> AnnounceEvent.COMPLETED;
            case "stopped" -> AnnounceEvent.STOPPED;
            default -> throw new TrackerRequestException("unknown event '" + printable(e) + "'");
        };
    }

    private static InetAddress literalAddress(String ip) {
        try {
            return InetAddress.ofLiteral(ip); // a literal only: a hostname here would make the tracker do DNS for a client
        } catch (IllegalArgumentException e) {
            throw new TrackerRequestException("ip is not an IPv4 or IPv6 literal");
        }
    }

    private static String printable(String s) {
        String cut = s.length() > 32 ? s.substring(0, 32) + "..." : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
