package io.btspeed.market.wire;

import io.btspeed.protocol.ProtocolException;
import io.btspeed.protocol.bencode.BBytes;
import io.btspeed.protocol.bencode.BDict;
import io.btspeed.protocol.bencode.BInt;
import io.btspeed.protocol.bencode.BList;
import io.btspeed.protocol.bencode.BValue;
import io.btspeed.protocol.bencode.Bencode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Encodes and strictly decodes {@link SpeedMessage}s. Input comes from arbitrary peers, so the
 * decoder checks size, exact key sets, types, ranges and byte lengths, and throws
 * {@link ProtocolException} with a message saying what is wrong.
 */
public final class SpeedCodec {
    /** Extension name registered in the BEP 10 "m" dictionary. */
    public static final String EXTENSION_NAME = "bt_speed";
    public static final int VERSION = 1;
    /** No bt_speed message is larger; bigger payloads are refused before decoding. */
    public static final int MAX_PAYLOAD = 1024;
    private static final int MAX_TEXT = 200;

    private SpeedCodec() {}

    public static byte[] encode(SpeedMessage m) {
        BDict.Builder b = BDict.builder();
        switch (m) {
            case SpeedMessage.Hello h -> {
                b.put("v", h.version()).put("ledger", h.ledger()).put("token", h.token()).put("decimals", h.decimals())
                        .put("addr", h.address()).put("pk", h.publicKey()).put("slots", h.paidSlots());
                List<BValue> rules = new ArrayList<>();
                for (String r : h.clearingRules()) rules.add(BBytes.of(r));
                b.put("rules", new BList(rules));
            }
            case SpeedMessage.BidMsg x -> b.put("t", "bid").put("price", x.price());
            case SpeedMessage.Result r -> b.put("t", "result").put("round", r.round()).put("won", r.won() ? 1 : 0)
                    .put("price", r.price()).put("rule", r.rule()).put("slots", r.paidSlots());
            case SpeedMessage.ChannelOpened o -> b.put("t", "open").put("ch", o.channelId()).put("escrow", o.escrow())
                    .put("exp", o.expiresAtMillis());
            case SpeedMessage.Payment p -> b.put("t", "pay").put("ch", p.channelId()).put("seq", p.sequence())
                    .put("amt", p.cumulative()).put("sig", p.signature());
            case SpeedMessage.Ack a -> b.put("t", "ack").put("ch", a.channelId()).put("seq", a.sequence()).put("owed", a.owed());
            case SpeedMessage.Error e -> b.put("t", "err").put("code", e.code()).put("msg", e.message());
        }
        byte[] out = Bencode.encode(b.build());
        if (out.length > MAX_PAYLOAD) throw new IllegalArgumentException("bt_speed message too large: " + out.length);
        return out;
    }

    /** Decodes the extension's dictionary from a peer's BEP 10 handshake. */
    public static SpeedMessage.Hello decodeHello(BValue v) {
        if (!(v instanceof BDict d)) throw bad("bt_speed handshake entry must be a dictionary");
        keys(d, "v", "ledger", "token", "decimals", "addr", "pk", "rules", "slots");
        long version = nonNegative(d, "v");
        if (version < 1) throw bad("bt_speed version must be at least 1");
        List<String> rules = new ArrayList<>();
        BList list = d.list("rules");
        if (list.items().size() > 8) throw bad("too many clearing rules");
        for (BValue r : list.items()) {
            if (!(r instanceof BBytes s)) throw bad("clearing rules must be strings");
            rules.add(text(s.bytes(), "rule"));
        }
        long decimals = nonNegative(d, "decimals");
        if (decimals > 18) throw bad("decimals must be 0..18");
        long slots = nonNegative(d, "slots");
        if (slots > 1000) throw bad("paid slot count out of range");
        return new SpeedMessage.Hello((int) Math.min(version, Integer.MAX_VALUE), text(d.bytes("ledger"), "ledger"),
                text(d.bytes("token"), "token"), (int) decimals, fixed(d, "addr", 20), fixed(d, "pk", 64), rules, (int) slots);
    }

    public static SpeedMessage decode(byte[] payload) {
        if (payload.length > MAX_PAYLOAD) throw bad("bt_speed message of " + payload.length + " bytes exceeds " + MAX_PAYLOAD);
        BValue v = Bencode.decode(payload);
        if (!(v instanceof BDict d)) throw bad("bt_speed message must be a dictionary");
        if (!(d.get("t") instanceof BBytes t)) throw bad("bt_speed message without a type 't'");
        String type = new String(t.bytes(), StandardCharsets.ISO_8859_1);
        return switch (type) {
            case "bid" -> {
                keys(d, "t", "price");
                yield new SpeedMessage.BidMsg(nonNegative(d, "price"));
            }
            case "result" -> {
                keys(d, "t", "round", "won", "price", "rule", "slots");
                long won = nonNegative(d, "won");
                if (won > 1) throw bad("'won' must be 0 or 1");
                long slots = nonNegative(d, "slots");
                if (slots > 1000) throw bad("paid slot count out of range");
                yield new SpeedMessage.Result(nonNegative(d, "round"), won == 1, nonNegative(d, "price"), text(d.bytes("rule"), "rule"),
                        (int) slots);
            }
            case "open" -> {
                keys(d, "t", "ch", "escrow", "exp");
                long escrow = nonNegative(d, "escrow");
                if (escrow == 0) throw bad("escrow must be positive");
                yield new SpeedMessage.ChannelOpened(fixed(d, "ch", 32), escrow, nonNegative(d, "exp"));
            }
            case "pay" -> {
                keys(d, "t", "ch", "seq", "amt", "sig");
                yield new SpeedMessage.Payment(fixed(d, "ch", 32), nonNegative(d, "seq"), nonNegative(d, "amt"), fixed(d, "sig", 64));
            }
            case "ack" -> {
                keys(d, "t", "ch", "seq", "owed");
                yield new SpeedMessage.Ack(fixed(d, "ch", 32), nonNegative(d, "seq"), nonNegative(d, "owed"));
            }
            case "err" -> {
                keys(d, "t", "code", "msg");
                long code = nonNegative(d, "code");
                if (code > 999) throw bad("error code out of range");
                yield new SpeedMessage.Error((int) code, text(d.bytes("msg"), "msg"));
            }
            default -> throw bad("unknown bt_speed message type '" + printable(type) + "'");
        };
    }

    private static void keys(BDict d, String... expected) {
        Set<String> want = Set.of(expected);
        for (String k : expected) if (!d.has(k)) throw bad("bt_speed message lacks '" + k + "'");
        for (String k : d.entries().keySet()) if (!want.contains(k)) throw bad("unexpected key '" + printable(k) + "'");
    }

    private static long nonNegative(BDict d, String key) {
        if (!(d.get(key) instanceof BInt i)) throw bad("'" + key + "' must be an integer");
        if (i.value() < 0) throw bad("'" + key + "' must not be negative");
        return i.value();
    }

    private static byte[] fixed(BDict d, String key, int len) {
        if (!(d.get(key) instanceof BBytes b)) throw bad("'" + key + "' must be a string");
        if (b.bytes().length != len) throw bad("'" + key + "' must be " + len + " bytes, got " + b.bytes().length);
        return b.bytes();
    }

    private static String text(byte[] b, String what) {
        if (b.length > MAX_TEXT) throw bad("'" + what + "' longer than " + MAX_TEXT + " bytes");
        var dec = StandardCharsets.UTF_8.newDecoder();
        try {
            return dec.decode(java.nio.ByteBuffer.wrap(b)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw bad("'" + what + "' is not UTF-8");
        }
    }

    private static String printable(String s) {
        String t = s.length() > 32 ? s.substring(0, 32) + "..." : s;
        return t.replaceAll("[^\\x20-\\x7e]", "?");
    }

    private static ProtocolException bad(String msg) {
        return new ProtocolException(msg);
    }
}
