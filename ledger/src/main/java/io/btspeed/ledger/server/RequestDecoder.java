package io.btspeed.ledger.server;

import io.btspeed.ledger.ChannelId;
import io.btspeed.ledger.LedgerException;
import io.btspeed.ledger.LedgerException.Code;
import io.btspeed.ledger.crypto.Address;
import io.btspeed.ledger.crypto.CryptoException;
import io.btspeed.ledger.wire.LedgerJson;
import java.util.HexFormat;

/**
 * Turns (method, path, query, body) into an {@link ApiRequest} or rejects it with
 * {@link LedgerException} — INVALID_REQUEST for shape problems (and the ledger's own codes such as
 * INVALID_AMOUNT or BAD_SIGNATURE where the wire already shows them). Paths are matched exactly;
 * no percent-decoding happens, because no valid path component needs it.
 */
public final class RequestDecoder {
    /** History pages are capped so one request cannot ask the store for an unbounded result. */
    public static final int MAX_HISTORY_LIMIT = LedgerJson.MAX_LIST;
    public static final int DEFAULT_HISTORY_LIMIT = 100;

    private RequestDecoder() {
    }

    public static ApiRequest decode(String method, String path, String query, byte[] body) {
        if (path == null || !path.startsWith("/v1/")) {
            throw notFound(path);
        }
        String[] p = path.substring(4).split("/", -1);
        return switch (method) {
            case "GET" -> {
                requireNoBody(body);
                yield get(p, path, query);
            }
            case "POST" -> post(p, path, query, body);
            default -> throw new LedgerException(Code.INVALID_REQUEST, "method " + printable(method) + " not allowed");
        };
    }

    private static ApiRequest get(String[] p, String path, String query) {
        if (p.length == 1 && p[0].equals("token")) {
            requireNoQuery(query);
            return new ApiRequest.GetToken();
        }
        if (p.length == 1 && p[0].equals("id")) {
            requireNoQuery(query);
            return new ApiRequest.GetId();
        }
        if (p.length == 1 && p[0].equals("audit")) {
            requireNoQuery(query);
            return new ApiRequest.GetAudit();
        }
        if (p.length == 2 && p[0].equals("accounts")) {
            requireNoQuery(query);
            return new ApiRequest.GetAccount(address(p[1]));
        }
        if (p.length == 3 && p[0].equals("accounts") && p[2].equals("history")) {
            return new ApiRequest.GetHistory(address(p[1]), limit(query));
        }
        if (p.length == 3 && p[0].equals("accounts") && p[2].equals("channels")) {
            requireNoQuery(query);
            return new ApiRequest.GetAccountChannels(address(p[1]));
        }
        if (p.length == 2 && p[0].equals("channels")) {
            requireNoQuery(query);
            return new ApiRequest.GetChannel(channelId(p[1]));
        }
        throw notFound(path);
    }

    private static ApiRequest post(String[] p, String path, String query, byte[] body) {
        requireNoQuery(query);
        if (p.length == 1 && p[0].equals("transfer")) {
            return new ApiRequest.SubmitTransfer(LedgerJson.transfer(LedgerJson.parse(body)));
        }
        if (p.length == 2 && p[0].equals("channels") && p[1].equals("open")) {
            return new ApiRequest.SubmitOpen(LedgerJson.channelOpen(LedgerJson.parse(body)));
        }
        if (p.length == 2 && p[0].equals("channels") && p[1].equals("close")) {
            return new ApiRequest.SubmitClose(LedgerJson.channelClose(LedgerJson.parse(body)));
        }
        if (p.length == 3 && p[0].equals("channels") && p[2].equals("refund")) {
            ChannelId id = channelId(p[1]);
            // The body may be empty or {}: the channel id in the path is all a refund needs.
            if (body.length > 0 && !isEmptyObject(LedgerJson.parse(body))) {
                throw new LedgerException(Code.INVALID_REQUEST, "refund takes no body (or {})");
            }
            return new ApiRequest.SubmitRefund(id);
        }
        throw notFound(path);
    }

    private static boolean isEmptyObject(com.fasterxml.jackson.databind.JsonNode n) {
        return n.isObject() && n.isEmpty();
    }

    private static int limit(String query) {
        if (query == null || query.isEmpty()) {
            return DEFAULT_HISTORY_LIMIT;
        }
        if (!query.startsWith("limit=") || query.indexOf('&') >= 0) {
            throw new LedgerException(Code.INVALID_REQUEST, "history takes only ?limit=N");
        }
        String v = query.substring(6);
        if (v.isEmpty() || v.length() > 4 || !v.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new LedgerException(Code.INVALID_REQUEST, "limit must be an integer 1.." + MAX_HISTORY_LIMIT);
        }
        int n = Integer.parseInt(v);
        if (n < 1 || n > MAX_HISTORY_LIMIT) {
            throw new LedgerException(Code.INVALID_REQUEST, "limit must be an integer 1.." + MAX_HISTORY_LIMIT);
        }
        return n;
    }

    private static Address address(String s) {
        if (s.length() > 64) {
            throw new LedgerException(Code.INVALID_REQUEST, "not an address: too long");
        }
        try {
            return Address.parse(s);
        } catch (CryptoException | IllegalArgumentException e) {
            throw new LedgerException(Code.INVALID_REQUEST, "not an address: " + e.getMessage());
        }
    }

    private static ChannelId channelId(String s) {
        if (s.length() != 64) {
            throw new LedgerException(Code.INVALID_REQUEST, "channel id must be 64 hex characters");
        }
        try {
            return new ChannelId(HexFormat.of().parseHex(s));
        } catch (IllegalArgumentException e) {
            throw new LedgerException(Code.INVALID_REQUEST, "channel id is not hex");
        }
    }

    private static void requireNoBody(byte[] body) {
        if (body.length > 0) {
            throw new LedgerException(Code.INVALID_REQUEST, "GET takes no body");
        }
    }

    private static void requireNoQuery(String query) {
        if (query != null && !query.isEmpty()) {
            throw new LedgerException(Code.INVALID_REQUEST, "this endpoint takes no query parameters");
        }
    }

    private static LedgerException notFound(String path) {
        return new LedgerException(Code.INVALID_REQUEST, "no such endpoint: " + printable(path));
    }

    private static String printable(String s) {
        if (s == null) {
            return "(none)";
        }
        String cut = s.length() > 80 ? s.substring(0, 80) + "…" : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
