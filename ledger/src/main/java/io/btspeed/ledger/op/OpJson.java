package io.btspeed.ledger.op;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.btspeed.ledger.ChannelId;
import io.btspeed.ledger.LedgerException;
import io.btspeed.ledger.TokenInfo;
import io.btspeed.ledger.crypto.Address;
import io.btspeed.ledger.crypto.PublicKey;
import io.btspeed.ledger.crypto.Signature;
import java.io.IOException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Set;

/**
 * JSON form of every ledger operation: what the journal stores and what a ledger server receives.
 * Decoding is strict because these bytes come from outside: exactly the expected fields, integers
 * that fit in a long (no floats, no numeric strings), hex of the exact length. Errors are
 * {@link LedgerException} with code INVALID_REQUEST (or BAD_SIGNATURE for an undecodable key).
 */
public final class OpJson {
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    static {
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(16).maxStringLength(4096).maxNumberLength(20).build());
    }

    private static final HexFormat HEX = HexFormat.of();

    private OpJson() {}

    public static byte[] encode(LedgerOp op) {
        try {
            return MAPPER.writeValueAsBytes(toJson(op));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static ObjectNode toJson(LedgerOp op) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("op", op.kind());
        switch (op) {
            case LedgerOp.Genesis g -> {
                n.put("symbol", g.token().symbol());
                n.put("decimals", g.token().decimals());
                n.put("supply", g.token().supply());
                n.put("holder", g.holder().toEvm());
            }
            case LedgerOp.TransferOp t -> {
                Transfer x = t.signed().transfer();
                n.put("from", x.from().toEvm());
                n.put("to", x.to().toEvm());
                n.put("amount", x.amount());
                n.put("nonce", x.nonce());
                n.put("memo", x.memo());
                n.put("key", HEX.formatHex(t.signed().senderKey().raw()));
                n.put("sig", HEX.formatHex(t.signed().signature().encode()));
            }
            case LedgerOp.OpenOp o -> {
                ChannelOpen x = o.signed().open();
                n.put("payer", x.payer().toEvm());
                n.put("payee", x.payee().toEvm());
                n.put("escrow", x.escrow());
                n.put("expiresAt", x.expiresAtMillis());
                n.put("nonce", x.nonce());
                n.put("memo", x.memo());
                n.put("key", HEX.formatHex(o.signed().payerKey().raw()));
                n.put("sig", HEX.formatHex(o.signed().signature().encode()));
            }
            case LedgerOp.CloseOp c -> {
                ChannelClose x = c.signed().close();
                n.put("channel", x.channel().hex());
                if (x.best() == null) {
                    n.putNull("state");
                } else {
                    ObjectNode s = n.putObject("state");
                    s.put("sequence", x.best().state().sequence());
                    s.put("amount", x.best().state().cumulativeAmount());
                    s.put("sig", HEX.formatHex(x.best().signature().encode()));
                }
                n.put("key", HEX.formatHex(c.signed().payeeKey().raw()));
                n.put("sig", HEX.formatHex(c.signed().signature().encode()));
            }
            case LedgerOp.RefundOp r -> n.put("channel", r.channel().hex());
        }
        return n;
    }

    public static LedgerOp decode(byte[] json) {
        JsonNode n;
        try {
            n = MAPPER.readTree(json);
        } catch (IOException e) {
            throw bad("malformed JSON: " + firstLine(e.getMessage()));
        }
        return fromJson(n);
    }

    public static LedgerOp fromJson(JsonNode n) {
        if (n == null || !n.isObject()) throw bad("an operation must be a JSON object");
        String kind = text(n, "op");
        try {
            return switch (kind) {
                case "genesis" -> {
                    fields(n, "op", "symbol", "decimals", "supply", "holder");
                    long decimals = integer(n, "decimals");
                    if (decimals < 0 || decimals > 18) throw bad("decimals must be 0..18");
                    yield new LedgerOp.Genesis(new TokenInfo(text(n, "symbol"), (int) decimals, integer(n, "supply")),
                            address(n, "holder"));
                }
                case "transfer" -> {
                    fields(n, "op", "from", "to", "amount", "nonce", "memo", "key", "sig");
                    Transfer t = new Transfer(address(n, "from"), address(n, "to"), integer(n, "amount"), integer(n, "nonce"),
                            text(n, "memo"));
                    yield new LedgerOp.TransferOp(new Transfer.Signed(t, key(n), sig(n, "sig")));
                }
                case "channel-open" -> {
                    fields(n, "op", "payer", "payee", "escrow", "expiresAt", "nonce", "memo", "key", "sig");
                    ChannelOpen o = new ChannelOpen(address(n, "payer"), address(n, "payee"), integer(n, "escrow"),
                            integer(n, "expiresAt"), integer(n, "nonce"), text(n, "memo"));
                    yield new LedgerOp.OpenOp(new ChannelOpen.Signed(o, key(n), sig(n, "sig")));
                }
                case "channel-close" -> {
                    fields(n, "op", "channel", "state", "key", "sig");
                    ChannelId id = channel(n);
                    JsonNode s = n.get("state");
                    ChannelState.Signed best = null;
                    if (!s.isNull()) {
                        if (!s.isObject()) throw bad("state must be an object or null");
                        fields(s, "sequence", "amount", "sig");
                        best = new ChannelState.Signed(new ChannelState(id.bytes(), integer(s, "sequence"), integer(s, "amount")),
                                sig(s, "sig"));
                    }
                    yield new LedgerOp.CloseOp(new ChannelClose.Signed(new ChannelClose(id, best), key(n), sig(n, "sig")));
                }
                case "channel-refund" -> {
                    fields(n, "op", "channel");
                    yield new LedgerOp.RefundOp(channel(n));
                }
                default -> throw bad("unknown op '" + kind + "'");
            };
        } catch (IllegalArgumentException e) {
            // record constructors reject negative amounts, oversize memos, self-channels...
            throw bad(e.getMessage());
        }
    }

    private static void fields(JsonNode n, String... expected) {
        Set<String> want = Set.of(expected);
        for (String f : expected) if (!n.has(f)) throw bad("missing field '" + f + "'");
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!want.contains(f)) throw bad("unknown field '" + f + "'");
        }
    }

    public static String text(JsonNode n, String f) {
        JsonNode v = n.get(f);
        if (v == null || v.getNodeType() != JsonNodeType.STRING) throw bad("field '" + f + "' must be a string");
        return v.textValue();
    }

    public static long integer(JsonNode n, String f) {
        JsonNode v = n.get(f);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) throw bad("field '" + f + "' must be an integer that fits in 64 bits");
        return v.longValue();
    }

    private static Address address(JsonNode n, String f) {
        try {
            return Address.parse(text(n, f));
        } catch (RuntimeException e) {
            throw bad("field '" + f + "' is not an address: " + e.getMessage());
        }
    }

    private static byte[] hex(JsonNode n, String f, int bytes) {
        String s = text(n, f);
        if (s.length() != bytes * 2) throw bad("field '" + f + "' must be " + bytes * 2 + " hex characters");
        try {
            return HEX.parseHex(s);
        } catch (IllegalArgumentException e) {
            throw bad("field '" + f + "' is not hex");
        }
    }

    private static ChannelId channel(JsonNode n) {
        return new ChannelId(hex(n, "channel", 32));
    }

    private static PublicKey key(JsonNode n) {
        try {
            return PublicKey.of(hex(n, "key", 64));
        } catch (LedgerException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new LedgerException(LedgerException.Code.BAD_SIGNATURE, "field 'key' is not a secp256k1 public key");
        }
    }

    private static Signature sig(JsonNode n, String f) {
        try {
            return Signature.decode(hex(n, f, 64));
        } catch (LedgerException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new LedgerException(LedgerException.Code.BAD_SIGNATURE, "field '" + f + "' is not a valid signature");
        }
    }

    private static LedgerException bad(String msg) {
        return new LedgerException(LedgerException.Code.INVALID_REQUEST, msg);
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
