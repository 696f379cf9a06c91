package io.btspeed.engine.lsd;

import io.btspeed.protocol.metainfo.InfoHash;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A BEP 14 announce: an HTTP-like "BT-SEARCH * HTTP/1.1" request sent to a multicast group, naming
 * the TCP port we accept peers on and the info-hashes we want peers for. The cookie lets a client
 * recognise (and ignore) its own announces that the group loops back to it.
 *
 * @param cookie null when the sender gave none
 */
public record LsdMessage(int port, List<InfoHash> infoHashes, String cookie) {
    /** Announces fit one unfragmented datagram; anything bigger is not from an honest client. */
    public static final int MAX_DATAGRAM = 1400;
    /** As many 40-digit hashes as fit {@link #MAX_DATAGRAM} with the other headers. */
    public static final int MAX_HASHES = 24;
    static final int MAX_COOKIE = 64;
    private static final int MAX_HEADERS = 40;
    private static final String REQUEST_LINE = "BT-SEARCH * HTTP/1.1";

    public LsdMessage {
        if (port < 1 || port > 65535) throw new LsdException("port must be 1..65535, got " + port);
        if (infoHashes.isEmpty() || infoHashes.size() > MAX_HASHES) {
            throw new LsdException("an announce carries 1.." + MAX_HASHES + " info-hashes, got " + infoHashes.size());
        }
        infoHashes = List.copyOf(infoHashes);
        if (cookie != null && (cookie.isEmpty() || cookie.length() > MAX_COOKIE || !cookie.chars().allMatch(c -> c > 0x20 && c < 0x7f))) {
            throw new LsdException("cookie must be 1.." + MAX_COOKIE + " printable characters");
        }
    }

    /** @param host the group address and port as the Host header shows it, e.g. "239.192.152.143:6771" */
    public byte[] encode(String host) {
        StringBuilder b = new StringBuilder(128 + infoHashes.size() * 52);
        b.append(REQUEST_LINE).append("\r\n");
        b.append("Host: ").append(host).append("\r\n");
        b.append("Port: ").append(port).append("\r\n");
        for (InfoHash h : infoHashes) b.append("Infohash: ").append(h.hex()).append("\r\n");
        if (cookie != null) b.append("cookie: ").append(cookie).append("\r\n");
        b.append("\r\n\r\n");
        return b.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Strict decoding of a datagram from the network: ASCII only, the exact request line, at most
     * {@link #MAX_DATAGRAM} bytes and a bounded number of headers; Port and at least one Infohash
     * required; unknown headers (Host included: senders disagree on its form) are ignored.
     */
    public static LsdMessage decode(byte[] data, int length) {
        if (length > MAX_DATAGRAM) throw new LsdException("datagram of " + length + " bytes is larger than any announce");
        for (int i = 0; i < length; i++) {
            int c = data[i] & 0xff;
            if (c >= 0x7f || (c < 0x20 && c != '\r' && c != '\n' && c != '\t')) {
                throw new LsdException("byte 0x" + Integer.toHexString(c) + " at offset " + i + " is not printable ASCII");
            }
        }
        String text = new String(data, 0, length, StandardCharsets.US_ASCII);
        // CRLF per the BEP; a bare LF is tolerated because some senders use it
        String[] lines = text.split("\r?\n", -1);
        if (!lines[0].equals(REQUEST_LINE)) throw new LsdException("not a BT-SEARCH announce");
        int port = -1;
        String cookie = null;
        List<InfoHash> hashes = new ArrayList<>();
        int headers = 0;
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            if (line.isEmpty()) break; // end of headers; what follows (the BEP's extra blank line) is ignored
            if (++headers > MAX_HEADERS) throw new LsdException("more than " + MAX_HEADERS + " headers");
            int colon = line.indexOf(':');
            if (colon <= 0) throw new LsdException("header line without a name: '" + line + "'");
            String name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).strip();
            switch (name) {
                case "port" -> {
                    if (port != -1) throw new LsdException("Port given twice");
                    if (value.isEmpty() || value.length() > 5 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
                        throw new LsdException("Port is not a number: '" + value + "'");
                    }
                    port = Integer.parseInt(value);
                    if (port < 1 || port > 65535) throw new LsdException("Port must be 1..65535, got " + port);
                }
                case "infohash" -> {
                    if (hashes.size() == MAX_HASHES) throw new LsdException("more than " + MAX_HASHES + " Infohash headers");
                    if (value.length() != 40) throw new LsdException("Infohash must be 40 hex digits, got " + value.length() + " characters");
                    hashes.add(InfoHash.fromHex(value.toLowerCase(Locale.ROOT)));
                }
                case "cookie" -> {
                    if (cookie != null) throw new LsdException("cookie given twice");
                    if (value.isEmpty() || value.length() > MAX_COOKIE) throw new LsdException("cookie must be 1.." + MAX_COOKIE + " characters");
                    cookie = value;
                }
                default -> {
                    // Host and anything else: not needed to act on the announce
                }
            }
        }
        if (port == -1) throw new LsdException("missing Port header");
        if (hashes.isEmpty()) throw new LsdException("missing Infohash header");
        return new LsdMessage(port, hashes, cookie);
    }
}
