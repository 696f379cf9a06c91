package io.btspeed.engine.tracker;

import io.btspeed.protocol.ProtocolException;
import io.btspeed.protocol.bencode.BBytes;
import io.btspeed.protocol.bencode.BDict;
import io.btspeed.protocol.bencode.BInt;
import io.btspeed.protocol.bencode.BList;
import io.btspeed.protocol.bencode.BValue;
import io.btspeed.protocol.bencode.Bencode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Decodes the body of an HTTP announce response (BEP 3, compact peers from BEP 23, {@code peers6} from
 * BEP 7). A pure function of the bytes: no I/O and, in particular, no DNS — a tracker that lists peers by
 * host name would otherwise make us resolve names of its choosing, so such entries are skipped.
 */
public final class HttpAnnounceParser {
    /** Used when a tracker leaves out {@code interval}; BEP 3 makes it mandatory, but some omit it. */
    static final int DEFAULT_INTERVAL_SECONDS = 1800;

    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    private HttpAnnounceParser() {}

    /**
     * @param url only used in error messages
     * @throws TrackerRejectedException when the tracker sent a {@code failure reason}
     * @throws TrackerException when the body is not a well-formed announce response
     */
    public static HttpAnnounceReply parse(byte[] body, String url) throws TrackerException {
        BDict d = topDict(body, url);
        if (d.has("failure reason")) {
            if (d.get("failure reason") instanceof BBytes(byte[] reason)) {
                throw new TrackerRejectedException(url, TrackerText.clean(reason));
            }
            throw malformed(url, "'failure reason' is not a string");
        }
        int interval = seconds(d, "interval", url, DEFAULT_INTERVAL_SECONDS);
        int minInterval = seconds(d, "min interval", url, 0);
        int seeders = count(d, "complete", url);
        int leechers = count(d, "incomplete", url);
        String warning = null;
        if (d.has("warning message")) {
            if (!(d.get("warning message") instanceof BBytes(byte[] w))) throw malformed(url, "'warning message' is not a string");
            warning = TrackerText.clean(w);
        }
        byte[] trackerId = null;
        if (d.has("tracker id")) {
            if (!(d.get("tracker id") instanceof BBytes(byte[] id))) throw malformed(url, "'tracker id' is not a string");
            if (id.length > 256) throw malformed(url, "'tracker id' is " + id.length + " bytes long");
            trackerId = id;
        }

        // A set: trackers repeat peers, and dialling one twice is waste.
        Set<InetSocketAddress> peers = new LinkedHashSet<>();
        switch (d.get("peers")) {
            case null -> { }
            case BBytes(byte[] b) -> CompactPeers.decode(b, 0, b.length, 4, peers, "compact 'peers'");
            case BList(List<BValue> items) -> dictPeers(items, peers, url);
            default -> throw malformed(url, "'peers' is neither a string nor a list");
        }
        switch (d.get("peers6")) {
            case null -> { }
            case BBytes(byte[] b) -> CompactPeers.decode(b, 0, b.length, 16, peers, "compact 'peers6'");
            default -> throw malformed(url, "'peers6' is not a string");
        }
        return new HttpAnnounceReply(new AnnounceResponse(interval, minInterval, List.copyOf(peers), seeders, leechers, warning),
                trackerId);
    }

    private static BDict topDict(byte[] body, String url) throws TrackerException {
        // Some trackers end the body with a newline; nothing else may follow the dictionary.
        int end = body.length;
        while (end > 0 && (body[end - 1] == '\n' || body[end - 1] == '\r' || body[end - 1] == ' ')) end--;
        if (end == 0) throw malformed(url, "empty body");
        if (body[0] != 'd') throw malformed(url, "body is not a bencoded dictionary (starts with " + describe(body[0]) + ")");
        try {
            // Lenient about key order only: trackers are not always canonical, and nothing here is hashed.
            Bencode.Decoded dec = Bencode.decodePrefixLenient(body, 0, end);
            if (dec.end() != end) throw malformed(url, "trailing bytes after the response dictionary at offset " + dec.end());
            return (BDict) dec.value();
        } catch (ProtocolException e) {
            throw new TrackerException("tracker " + url + " sent invalid bencode: " + e.getMessage(), e);
        }
    }

    private static String describe(byte b) {
        return b >= 0x20 && b < 0x7f ? "'" + (char) b + "'" : String.format("byte 0x%02x", b & 0xff);
    }

    private static int seconds(BDict d, String key, String url, int absent) throws TrackerException {
        if (!d.has(key)) return absent;
        if (!(d.get(key) instanceof BInt(long v))) throw malformed(url, "'" + key + "' is not an integer");
        if (v < 0) throw malformed(url, "'" + key + "' is negative (" + v + ")");
        // Anything beyond a day is a broken tracker; the scheduler clamps further anyway.
        return (int) Math.min(v, 86_400);
    }

    private static int count(BDict d, String key, String url) throws TrackerException {
        if (!d.has(key)) return -1;
        if (!(d.get(key) instanceof BInt(long v))) throw malformed(url, "'" + key + "' is not an integer");
        if (v < 0) throw malformed(url, "'" + key + "' is negative (" + v + ")");
        return (int) Math.min(v, Integer.MAX_VALUE);
    }

    private static void dictPeers(List<BValue> items, Set<InetSocketAddress> out, String url) throws TrackerException {
        for (int i = 0; i < items.size(); i++) {
            if (!(items.get(i) instanceof BDict p)) throw malformed(url, "peer entry " + i + " is not a dictionary");
            if (!(p.get("ip") instanceof BBytes(byte[] ipBytes))) throw malformed(url, "peer entry " + i + " has no string 'ip'");
            if (!(p.get("port") instanceof BInt(long port))) throw malformed(url, "peer entry " + i + " has no integer 'port'");
            if (port < 0 || port > 65535) throw malformed(url, "peer entry " + i + " has port " + port);
            if (port == 0) continue;
            InetAddress a = literalAddress(new String(ipBytes, java.nio.charset.StandardCharsets.ISO_8859_1));
            if (a != null) out.add(new InetSocketAddress(a, (int) port));
        }
    }

    /** The address when {@code s} is an IPv4 or IPv6 literal, null for host names (which we do not resolve). */
    static InetAddress literalAddress(String s) {
        try {
            if (IPV4.matcher(s).matches()) return InetAddress.getByName(s);
            if (s.indexOf(':') >= 0 && IPV6.matcher(s).matches()) return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            // Looks like a literal but is not a valid one (e.g. "1:::2:::3"): not a usable peer.
        }
        return null;
    }

    private static TrackerException malformed(String url, String what) {
        return new TrackerException("tracker " + url + " sent a malformed announce response: " + what);
    }
}
