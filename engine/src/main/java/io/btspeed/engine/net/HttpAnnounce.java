package io.btspeed.engine.net;

import io.btspeed.protocol.ProtocolException;
import io.btspeed.protocol.bencode.BBytes;
import io.btspeed.protocol.bencode.BDict;
import io.btspeed.protocol.bencode.BInt;
import io.btspeed.protocol.bencode.BList;
import io.btspeed.protocol.bencode.BValue;
import io.btspeed.protocol.bencode.Bencode;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Minimal HTTP tracker announce (BEP 3 with BEP 23 compact peers and BEP 7 peers6), used until
 * the full tracker client is part of the build. Responses are hostile input: bounded in size and
 * parsed strictly; peer lists are never resolved through DNS.
 */
public final class HttpAnnounce {
    /** What a tracker said: when to come back and whom to contact. */
    public record Result(int intervalSeconds, List<InetSocketAddress> peers) {}

    public enum Event { STARTED, COMPLETED, STOPPED, NONE }

    private static final int MAX_RESPONSE = 1 << 20;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NORMAL).build();

    public Result announce(String url, byte[] infoHash, byte[] peerId, int port, long uploaded, long downloaded, long left,
                           Event event, Duration timeout) throws IOException, InterruptedException {
        StringBuilder q = new StringBuilder(url).append(url.contains("?") ? '&' : '?')
                .append("info_hash=").append(escape(infoHash))
                .append("&peer_id=").append(escape(peerId))
                .append("&port=").append(port)
                .append("&uploaded=").append(uploaded)
                .append("&downloaded=").append(downloaded)
                .append("&left=").append(left)
                .append("&compact=1&numwant=50");
        if (event != Event.NONE) q.append("&event=").append(event.name().toLowerCase(java.util.Locale.ROOT));
        HttpRequest req = HttpRequest.newBuilder(URI.create(q.toString())).timeout(timeout).GET().build();
        HttpResponse<byte[]> resp = client.send(req, HttpResponse.BodyHandlers.ofByteArray());
        if (resp.statusCode() != 200) throw new IOException("tracker " + url + " answered HTTP " + resp.statusCode());
        byte[] body = resp.body();
        if (body.length > MAX_RESPONSE) throw new IOException("tracker response of " + body.length + " bytes is too large");
        return parse(body, url);
    }

    static Result parse(byte[] body, String url) throws IOException {
        BDict d;
        try {
            if (!(Bencode.decode(body) instanceof BDict dict)) throw new IOException("tracker " + url + " did not answer with a dictionary");
            d = dict;
        } catch (ProtocolException e) {
            throw new IOException("tracker " + url + " sent invalid bencode: " + e.getMessage(), e);
        }
        if (d.get("failure reason") instanceof BBytes reason) throw new IOException("tracker " + url + ": " + reason.asString());
        int interval = d.get("interval") instanceof BInt(long v) ? (int) Math.max(30, Math.min(v, 3600)) : 1800;
        List<InetSocketAddress> peers = new ArrayList<>();
        switch (d.get("peers")) {
            case BBytes(byte[] b) -> compact(b, 4, peers);
            case BList(List<BValue> items) -> {
                for (BValue v : items) {
                    // Only literal addresses: a hostname here would make us do DNS on a tracker's behalf.
                    if (v instanceof BDict p && p.get("ip") instanceof BBytes ip && p.get("port") instanceof BInt(long port)
                            && port > 0 && port < 65536) {
                        InetAddress a = literal(ip.asString());
                        if (a != null) peers.add(new InetSocketAddress(a, (int) port));
                    }
                }
            }
            case null, default -> { }
        }
        if (d.get("peers6") instanceof BBytes(byte[] b6)) compact(b6, 16, peers);
        return new Result(interval, peers);
    }

    private static void compact(byte[] b, int width, List<InetSocketAddress> out) throws IOException {
        int stride = width + 2;
        if (b.length % stride != 0) throw new IOException("compact peer list of " + b.length + " bytes is not a multiple of " + stride);
        for (int i = 0; i < b.length; i += stride) {
            byte[] addr = java.util.Arrays.copyOfRange(b, i, i + width);
            int port = ((b[i + width] & 0xff) << 8) | (b[i + width + 1] & 0xff);
            if (port == 0) continue;
            out.add(new InetSocketAddress(InetAddress.getByAddress(addr), port));
        }
    }

    private static InetAddress literal(String s) {
        boolean v4 = s.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        boolean v6 = s.contains(":") && s.matches("[0-9a-fA-F:.]+");
        if (!v4 && !v6) return null;
        try {
            return InetAddress.getByName(s); // a literal: no lookup happens
        } catch (IOException e) {
            return null;
        }
    }

    static String escape(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte x : bytes) {
            int c = x & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~') {
                sb.append((char) c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16))).append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return sb.toString();
    }
}
