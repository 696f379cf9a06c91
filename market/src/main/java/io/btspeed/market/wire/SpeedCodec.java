package io.btspeed.market.wire;

import io.btspeed.ledger.crypto.Address;
import io.btspeed.ledger.crypto.PublicKey;
import io.btspeed.ledger.crypto.Signature;
import io.btspeed.market.auction.ClearingRule;
import io.btspeed.protocol.ProtocolException;
import io.btspeed.protocol.bencode.BBytes;
import io.btspeed.protocol.bencode.BDict;
import io.btspeed.protocol.bencode.BInt;
import io.btspeed.protocol.bencode.BList;
import io.btspeed.protocol.bencode.BValue;
import io.btspeed.protocol.bencode.Bencode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Encodes and strictly decodes {@link SpeedMessage}s (docs/spec/speed-extension.md §1–§2). Input
 * comes from arbitrary peers, so the decoder checks the size first, then exact key sets, types,
 * ranges, byte lengths and cross-field rules (the address belongs to the key, the key is a curve
 * point, a signature is in canonical low-S form), and throws {@link MarketProtocolException} with a
 * message saying what is wrong. It allocates nothing larger than the 1 KiB it accepts.
 */
public final class SpeedCodec {
    /** Extension name registered in the BEP 10 "m" dictionary. */
    public static final String EXTENSION_NAME = "bt_speed";
    public static final int VERSION = 1;
    /** Prices are base units per this many bytes (2^20); named in the handshake so it can never be misread. */
    public static final String PRICE_UNIT = "MiB";
    /** No bt_speed message is larger; bigger payloads are refused before decoding. */
    public static final int MAX_PAYLOAD = 1024;
    public static final int MAX_TEXT = 200;
    public static final int MAX_TOKEN = 16;
    public static final int MAX_SLOTS = 1000;
    public static final int MAX_RULES = 8;

    private static final Set<String> HELLO_KEYS = Set.of("v", "ledger", "token", "decimals", "addr", "pk", "rules", "slots", "unit");

    private SpeedCodec() {}

    public static byte[] encode(SpeedMessage m) {
        // the once-per-piece messages skip the generic writer (see PerPieceEncoding); same bytes
        byte[] direct = switch (m) {
            case SpeedMessage.Payment p -> PerPieceEncoding.payment(p);
            case SpeedMessage.Ack a -> PerPieceEncoding.ack(a);
            default -> null;
        };
        if (direct != null) {
            if (direct.length > MAX_PAYLOAD) throw new IllegalArgumentException("bt_speed message too large: " + direct.length);
            return direct;
        }
        return encodeGeneric(m);
    }

    /** Every message through {@link Bencode#encode}: the reference the direct encodings are tested against. */
    static byte[] encodeGeneric(SpeedMessage m) {
        BDict.Builder b = BDict.builder();
        switch (m) {
            case SpeedMessage.Hello h -> {
                b.put("v", h.version()).put("ledger", h.ledger()).put("token", h.token()).put("decimals", h.decimals())
                        .put("addr", h.address()).put("pk", h.publicKey()).put("slots", h.paidSlots()).put("unit", PRICE_UNIT);
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

    /** Decodes the extension's entry from raw bencoded bytes (the value of "bt_speed" in the BEP 10 handshake). */
    public static SpeedMessage.Hello decodeHello(byte[] entry) {
        if (entry.length > MAX_PAYLOAD) throw bad("bt_speed handshake entry of " + entry.length + " bytes exceeds " + MAX_PAYLOAD);
        return decodeHello(bencode(entry));
    }

    /**
     * Decodes the extension's dictionary from a peer's BEP 10 handshake. Version 1 entries must have
     * exactly the version 1 keys; an entry of a later version must still carry every version 1 key,
     * and its further keys and unknown clearing rules are ignored (so later versions stay compatible).
     */
    public static SpeedMessage.Hello decodeHello(BValue v) {
        if (!(v instanceof BDict d)) throw bad("bt_speed handshake entry must be a dictionary");
        long version = nonNegative(d, "v");
        if (version < 1) throw bad("bt_speed version must be at least 1, got " + version);
        if (version == 1) keys(d, HELLO_KEYS);
        else for (String k : HELLO_KEYS) if (!d.has(k)) throw bad("bt_speed handshake entry lacks '" + k + "'");
        String unit = text(d, "unit", MAX_TEXT);
        if (!unit.equals(PRICE_UNIT)) throw bad("price unit must be '" + PRICE_UNIT + "', got '" + printable(unit) + "'");
        String ledger = text(d, "ledger", MAX_TEXT);
        if (ledger.isEmpty()) throw bad("'ledger' must not be empty");
        String token = text(d, "token", MAX_TOKEN);
        if (!token.matches("[\\x21-\\x7e]{1," + MAX_TOKEN + "}")) throw bad("'token' must be 1.." + MAX_TOKEN + " printable ASCII characters");
        long decimals = nonNegative(d, "decimals");
        if (decimals > 18) throw bad("'decimals' must be 0..18, got " + decimals);
        long slots = nonNegative(d, "slots");
        if (slots > MAX_SLOTS) throw bad("'slots' must be 0.." + MAX_SLOTS + ", got " + slots);
        byte[] addr = fixed(d, "addr", Address.LENGTH);
        byte[] pk = fixed(d, "pk", 64);
        try {
            if (!PublicKey.of(pk).address().equals(new Address(addr))) throw bad("'addr' is not the address of 'pk'");
        } catch (RuntimeException e) {
            if (e instanceof MarketProtocolException mpe) throw mpe;
            throw bad("'pk' is not a secp256k1 public key: " + e.getMessage());
        }
        if (!(d.get("rules") instanceof BList list)) throw bad("'rules' must be a list");
        if (list.items().isEmpty() || list.items().size() > MAX_RULES) throw bad("'rules' must list 1.." + MAX_RULES + " clearing rules");
        List<String> rules = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (BValue r : list.items()) {
            if (!(r instanceof BBytes s)) throw bad("clearing rules must be strings");
            String name = utf8(s.bytes(), "rule", MAX_TEXT);
            if (!seen.add(name)) throw bad("clearing rule '" + printable(name) + "' listed twice");
            if (known(name)) rules.add(name);
            else if (version == 1) throw bad("unknown clearing rule '" + printable(name) + "'");
        }
        if (rules.isEmpty()) throw bad("no clearing rule this version knows");
        return new SpeedMessage.Hello((int) Math.min(version, Integer.MAX_VALUE), ledger, token, (int) decimals, addr, pk, rules, (int) slots);
    }

    public static SpeedMessage decode(byte[] payload) {
        if (payload.length > MAX_PAYLOAD) throw bad("bt_speed message of " + payload.length + " bytes exceeds " + MAX_PAYLOAD);
        // the once-per-piece messages in their canonical form skip the generic reader (see PerPieceEncoding)
        SpeedMessage.Payment pay = PerPieceEncoding.readPayment(payload);
        if (pay != null) {
            canonicalSignature(pay.signature());
            return pay;
        }
        SpeedMessage.Ack ack = PerPieceEncoding.readAck(payload);
        if (ack != null) return ack;
        return decodeGeneric(payload);
    }

    /** Every message through {@link Bencode#decode}: the reference the direct readers are tested against. */
    static SpeedMessage decodeGeneric(byte[] payload) {
        if (payload.length > MAX_PAYLOAD) throw bad("bt_speed message of " + payload.length + " bytes exceeds " + MAX_PAYLOAD);
        if (!(bencode(payload) instanceof BDict d)) throw bad("bt_speed message must be a dictionary");
        if (!(d.get("t") instanceof BBytes t)) throw bad("bt_speed message without a string type 't'");
        String type = new String(t.bytes(), StandardCharsets.ISO_8859_1);
        return switch (type) {
            case "bid" -> {
                keys(d, "t", "price");
                yield new SpeedMessage.BidMsg(nonNegative(d, "price"));
            }
            case "result" -> {
                keys(d, "t", "round", "won", "price", "rule", "slots");
                long won = nonNegative(d, "won");
                if (won > 1) throw bad("'won' must be 0 or 1, got " + won);
                long slots = nonNegative(d, "slots");
                if (slots > MAX_SLOTS) throw bad("'slots' must be 0.." + MAX_SLOTS + ", got " + slots);
                if (won == 1 && slots == 0) throw bad("a won round must have sold at least one slot");
                String rule = text(d, "rule", MAX_TEXT);
                if (!known(rule)) throw bad("unknown clearing rule '" + printable(rule) + "'");
                yield new SpeedMessage.Result(nonNegative(d, "round"), won == 1, nonNegative(d, "price"), rule, (int) slots);
            }
            case "open" -> {
                keys(d, "t", "ch", "escrow", "exp");
                long escrow = nonNegative(d, "escrow");
                if (escrow == 0) throw bad("'escrow' must be positive");
                long exp = nonNegative(d, "exp");
                if (exp == 0) throw bad("'exp' must be positive");
                yield new SpeedMessage.ChannelOpened(fixed(d, "ch", 32), escrow, exp);
            }
            case "pay" -> {
                keys(d, "t", "ch", "seq", "amt", "sig");
                long seq = nonNegative(d, "seq");
                if (seq == 0) throw bad("'seq' must be at least 1");
                byte[] sig = fixed(d, "sig", Signature.LENGTH);
                canonicalSignature(sig);
                yield new SpeedMessage.Payment(fixed(d, "ch", 32), seq, nonNegative(d, "amt"), sig);
            }
            case "ack" -> {
                keys(d, "t", "ch", "seq", "owed");
                long seq = nonNegative(d, "seq");
                if (seq == 0) throw bad("'seq' must be at least 1");
                yield new SpeedMessage.Ack(fixed(d, "ch", 32), seq, nonNegative(d, "owed"));
            }
            case "err" -> {
                keys(d, "t", "code", "msg");
                long code = nonNegative(d, "code");
                if (code < 1 || code > 999) throw bad("error 'code' must be 1..999, got " + code);
                yield new SpeedMessage.Error((int) code, text(d, "msg", MAX_TEXT));
            }
            default -> throw bad("unknown bt_speed message type '" + printable(type) + "'");
        };
    }

    private static void canonicalSignature(byte[] sig) {
        try {
            Signature.decode(sig);
        } catch (RuntimeException e) {
            throw bad("'sig' is not a canonical signature: " + e.getMessage());
        }
    }

    private static boolean known(String rule) {
        for (ClearingRule r : ClearingRule.values()) if (r.wireName().equals(rule)) return true;
        return false;
    }

    private static BValue bencode(byte[] data) {
        try {
            return Bencode.decode(data);
        } catch (ProtocolException e) {
            throw new MarketProtocolException("bt_speed payload is not strict bencode: " + e.getMessage(), e);
        }
    }

    private static void keys(BDict d, String... expected) {
        keys(d, Set.of(expected));
    }

    private static void keys(BDict d, Set<String> want) {
        for (String k : want) if (!d.has(k)) throw bad("bt_speed message lacks '" + k + "'");
        for (String k : d.entries().keySet()) if (!want.contains(k)) throw bad("unexpected key '" + printable(k) + "'");
    }

    private static long nonNegative(BDict d, String key) {
        if (!(d.get(key) instanceof BInt i)) throw bad("'" + key + "' must be an integer");
        if (i.value() < 0) throw bad("'" + key + "' must not be negative, got " + i.value());
        return i.value();
    }

    private static byte[] fixed(BDict d, String key, int len) {
        if (!(d.get(key) instanceof BBytes b)) throw bad("'" + key + "' must be a string");
        if (b.bytes().length != len) throw bad("'" + key + "' must be " + len + " bytes, got " + b.bytes().length);
        return b.bytes();
    }

    private static String text(BDict d, String key, int max) {
        if (!(d.get(key) instanceof BBytes b)) throw bad("'" + key + "' must be a string");
        return utf8(b.bytes(), key, max);
    }

    private static String utf8(byte[] b, String what, int max) {
        if (b.length > max) throw bad("'" + what + "' longer than " + max + " bytes");
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw bad("'" + what + "' is not UTF-8");
        }
    }

    private static String printable(String s) {
        String t = s.length() > 32 ? s.substring(0, 32) + "..." : s;
        return t.replaceAll("[^\\x20-\\x7e]", "?");
    }

    private static MarketProtocolException bad(String msg) {
        return new MarketProtocolException(msg);
    }
}
