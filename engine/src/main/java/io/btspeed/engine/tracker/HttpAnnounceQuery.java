package io.btspeed.engine.tracker;

import java.util.HexFormat;

/** Builds the announce URL of an HTTP tracker request (BEP 3 query parameters, BEP 23 compact). */
final class HttpAnnounceQuery {
    private HttpAnnounceQuery() {}

    /**
     * The announce URL with our parameters appended. A query already in the URL (private trackers put a
     * passkey there) is kept; a fragment is dropped, since it would otherwise swallow our parameters.
     */
    static String build(String announceUrl, AnnounceRequest r, byte[] trackerId) {
        String base = announceUrl;
        int hash = base.indexOf('#');
        if (hash >= 0) base = base.substring(0, hash);
        StringBuilder q = new StringBuilder(base.length() + 256).append(base);
        char sep = base.indexOf('?') < 0 ? '?' : (base.endsWith("?") || base.endsWith("&") ? 0 : '&');
        if (sep != 0) q.append(sep);
        q.append("info_hash=").append(percentEncode(r.infoHash().bytes()))
                .append("&peer_id=").append(percentEncode(r.peerId()))
                .append("&port=").append(r.port())
                .append("&uploaded=").append(r.uploaded())
                .append("&downloaded=").append(r.downloaded())
                .append("&left=").append(r.left())
                .append("&compact=1")
                .append("&no_peer_id=1");
        if (r.event().httpName() != null) q.append("&event=").append(r.event().httpName());
        if (r.numWant() >= 0) q.append("&numwant=").append(r.numWant());
        // The key is an opaque token; 8 hex digits is what the common clients send.
        q.append("&key=").append(HexFormat.of().toHexDigits(r.key()));
        if (trackerId != null) q.append("&trackerid=").append(percentEncode(trackerId));
        return q.toString();
    }

    /**
     * RFC 3986 percent-encoding of raw bytes: unreserved characters stay, every other byte becomes %XX.
     * URLEncoder would not do: it works on characters of a charset, and info-hashes are arbitrary bytes.
     */
    static String percentEncode(byte[] bytes) {
        StringBuilder sb = new StringBuilder(bytes.length * 3);
        for (byte x : bytes) {
            int c = x & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == '~') {
                sb.append((char) c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >>> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return sb.toString();
    }
}
