package io.btspeed.ledger.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.btspeed.ledger.AuditReport;
import io.btspeed.ledger.ChannelId;
import io.btspeed.ledger.ChannelInfo;
import io.btspeed.ledger.HistoryEntry;
import io.btspeed.ledger.LedgerException;
import io.btspeed.ledger.LedgerException.Code;
import io.btspeed.ledger.Receipt;
import io.btspeed.ledger.TokenInfo;
import io.btspeed.ledger.crypto.Address;
import io.btspeed.ledger.crypto.CryptoException;
import io.btspeed.ledger.crypto.PublicKey;
import io.btspeed.ledger.crypto.Signature;
import io.btspeed.ledger.op.ChannelClose;
import io.btspeed.ledger.op.ChannelOpen;
import io.btspeed.ledger.op.ChannelState;
import io.btspeed.ledger.op.Transfer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * The JSON form of every ledger request and response, shared by the server and its client.
 *
 * <p>Operations travel with every signed field, the signer's 64-byte public key and the 64-byte
 * signature (hex), so the server re-checks exactly what the signer signed; nothing is trusted from
 * the transport. Decoding is strict in both directions (the client treats the server's bytes as
 * outside bytes too): one object, no unknown or duplicate fields, integers only where numbers are
 * expected, exact hex lengths, bounded nesting and string sizes.
 */
public final class LedgerJson {
    /** Largest request or response body either side reads. */
    public static final int MAX_BODY_BYTES = 64 * 1024;
    /** Largest response a client reads: a full history page or channel list, with room to spare. */
    public static final int MAX_RESPONSE_BYTES = 8 * 1024 * 1024;
    /** Largest list a response may carry (history limit, channels of one account). */
    public static final int MAX_LIST = 1000;

    private static final int KEY_BYTES = 64;
    private static final int MAX_MEMO_CHARS = Transfer.MAX_MEMO_BYTES;
    private static final HexFormat HEX = HexFormat.of();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper MAPPER = mapper();

    private LedgerJson() {
    }

    private static ObjectMapper mapper() {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(8)
                        .maxNumberLength(32)
                        .maxStringLength(MAX_BODY_BYTES)
                        .maxDocumentLength(MAX_RESPONSE_BYTES)
                        .build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        return new ObjectMapper(factory)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
    }

    // ---- bytes <-> tree

    /** Parses a whole request body as one JSON value; any syntax problem is INVALID_REQUEST. */
    public static JsonNode parse(byte[] body) {
        return parse(body, MAX_BODY_BYTES);
    }

    public static JsonNode parseResponse(byte[] body) {
        return parse(body, MAX_RESPONSE_BYTES);
    }

    private static JsonNode parse(byte[] body, int maxBytes) {
        if (body.length > maxBytes) {
            throw JsonFields.invalid("body larger than " + maxBytes + " bytes");
        }
        if (body.length == 0) {
            throw JsonFields.invalid("empty body, expected a JSON object");
        }
        try {
            JsonNode node = MAPPER.readTree(body);
            if (node == null || node.isMissingNode()) {
                throw JsonFields.invalid("empty body, expected a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw JsonFields.invalid("malformed JSON: " + JsonFields.printable(e.getOriginalMessage()));
        } catch (IOException e) {
            throw JsonFields.invalid("unreadable body: " + e.getMessage());
        }
    }

    public static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new LedgerException(Code.INTERNAL, "cannot encode JSON", e);
        }
    }

    // ---- operations

    public static ObjectNode transfer(Transfer.Signed s) {
        Transfer t = s.transfer();
        ObjectNode n = NODES.objectNode();
        n.put("from", t.from().toEvm()).put("to", t.to().toEvm()).put("amount", t.amount()).put("nonce", t.nonce())
                .put("memo", t.memo());
        return signer(n, s.senderKey(), s.signature());
    }

    public static Transfer.Signed transfer(JsonNode node) {
        JsonFields f = JsonFields.of(node, "transfer", Set.of("from", "to", "amount", "nonce", "memo", "publicKey", "signature"));
        Address from = f.address("from");
        Address to = f.address("to");
        long amount = positiveAmount(f, "amount");
        long nonce = f.nonNegative("nonce");
        String memo = f.text("memo", MAX_MEMO_CHARS);
        PublicKey key = publicKey(f);
        Signature sig = signature(f, "signature");
        return build("transfer", () -> new Transfer.Signed(new Transfer(from, to, amount, nonce, memo), key, sig));
    }

    public static ObjectNode channelOpen(ChannelOpen.Signed s) {
        ChannelOpen o = s.open();
        ObjectNode n = NODES.objectNode();
        n.put("payer", o.payer().toEvm()).put("payee", o.payee().toEvm()).put("escrow", o.escrow())
                .put("expiresAtMillis", o.expiresAtMillis()).put("nonce", o.nonce()).put("memo", o.memo());
        return signer(n, s.payerKey(), s.signature());
    }

    public static ChannelOpen.Signed channelOpen(JsonNode node) {
        JsonFields f = JsonFields.of(node, "channel open",
                Set.of("payer", "payee", "escrow", "expiresAtMillis", "nonce", "memo", "publicKey", "signature"));
        Address payer = f.address("payer");
        Address payee = f.address("payee");
        long escrow = positiveAmount(f, "escrow");
        long expires = f.nonNegative("expiresAtMillis");
        long nonce = f.nonNegative("nonce");
        String memo = f.text("memo", MAX_MEMO_CHARS);
        PublicKey key = publicKey(f);
        Signature sig = signature(f, "signature");
        return build("channel open",
                () -> new ChannelOpen.Signed(new ChannelOpen(payer, payee, escrow, expires, nonce, memo), key, sig));
    }

    public static ObjectNode channelClose(ChannelClose.Signed s) {
        ChannelClose c = s.close();
        ObjectNode n = NODES.objectNode();
        n.put("channel", c.channel().hex());
        if (c.best() == null) {
            n.putNull("best");
        } else {
            ChannelState st = c.best().state();
            n.putObject("best").put("sequence", st.sequence()).put("cumulativeAmount", st.cumulativeAmount())
                    .put("signature", HEX.formatHex(c.best().signature().encode()));
        }
        return signer(n, s.payeeKey(), s.signature());
    }

    public static ChannelClose.Signed channelClose(JsonNode node) {
        JsonFields f = JsonFields.of(node, "channel close", Set.of("channel", "best", "publicKey", "signature"));
        ChannelId channel = new ChannelId(f.hex("channel", 32));
        ChannelState.Signed best = null;
        f.required("best");
        if (!f.isAbsentOrNull("best")) {
            // The state's channel id is the close's channel: sending it twice would only add a way to disagree.
            JsonFields b = JsonFields.of(f.object("best"), "channel state", Set.of("sequence", "cumulativeAmount", "signature"));
            long sequence = b.nonNegative("sequence");
            long amount = b.nonNegative("cumulativeAmount");
            Signature stateSig = signature(b, "signature");
            best = new ChannelState.Signed(new ChannelState(channel.bytes(), sequence, amount), stateSig);
        }
        PublicKey key = publicKey(f);
        Signature sig = signature(f, "signature");
        ChannelState.Signed state = best;
        return build("channel close", () -> new ChannelClose.Signed(new ChannelClose(channel, state), key, sig));
    }

    // ---- responses

    public static ObjectNode receipt(Receipt r) {
        return NODES.objectNode().put("opId", r.opIdHex()).put("journalSeq", r.journalSeq()).put("atMillis", r.atMillis());
    }

    public static Receipt receipt(JsonNode node) {
        JsonFields f = JsonFields.of(node, "receipt", Set.of("opId", "journalSeq", "atMillis"));
        return new Receipt(f.hex("opId", 32), f.nonNegative("journalSeq"), f.longValue("atMillis"));
    }

    public static ObjectNode token(TokenInfo t) {
        return NODES.objectNode().put("symbol", t.symbol()).put("decimals", t.decimals()).put("supply", t.supply());
    }

    public static TokenInfo token(JsonNode node) {
        JsonFields f = JsonFields.of(node, "token", Set.of("symbol", "decimals", "supply"));
        String symbol = f.text("symbol", 12);
        int decimals = f.intValue("decimals", 0, 18);
        long supply = f.longValue("supply");
        return build("token", () -> new TokenInfo(symbol, decimals, supply));
    }

    public static ObjectNode ledgerId(String id) {
        return NODES.objectNode().put("id", id);
    }

    public static String ledgerId(JsonNode node) {
        JsonFields f = JsonFields.of(node, "ledger id", Set.of("id"));
        String id = f.text("id", 200);
        if (id.isEmpty() || id.chars().anyMatch(Character::isISOControl)) {
            throw JsonFields.invalid("ledger id must be non-empty printable text");
        }
        return id;
    }

    public static ObjectNode account(AccountView a) {
        return NODES.objectNode().put("address", a.address().toEvm()).put("balance", a.balance())
                .put("nextNonce", a.nextNonce());
    }

    public static AccountView account(JsonNode node) {
        JsonFields f = JsonFields.of(node, "account", Set.of("address", "balance", "nextNonce"));
        return new AccountView(f.address("address"), f.nonNegative("balance"), f.nonNegative("nextNonce"));
    }

    public static ObjectNode channel(ChannelInfo c) {
        ObjectNode n = NODES.objectNode();
        n.put("id", c.id().hex()).put("payer", c.payer().toEvm()).put("payerKey", HEX.formatHex(c.payerKey().raw()))
                .put("payee", c.payee().toEvm()).put("escrow", c.escrow()).put("expiresAtMillis", c.expiresAtMillis())
                .put("status", c.status().name()).put("paidToPayee", c.paidToPayee())
                .put("closingSequence", c.closingSequence()).put("memo", c.memo() == null ? "" : c.memo());
        return n;
    }

    public static ChannelInfo channel(JsonNode node) {
        JsonFields f = JsonFields.of(node, "channel", Set.of("id", "payer", "payerKey", "payee", "escrow",
                "expiresAtMillis", "status", "paidToPayee", "closingSequence", "memo"));
        ChannelId id = new ChannelId(f.hex("id", 32));
        Address payer = f.address("payer");
        PublicKey payerKey = key(f, "payerKey");
        Address payee = f.address("payee");
        long escrow = f.nonNegative("escrow");
        long expires = f.longValue("expiresAtMillis");
        ChannelInfo.Status status = enumValue(ChannelInfo.Status.class, f.text("status", 16), "channel status");
        return new ChannelInfo(id, payer, payerKey, payee, escrow, expires, status, f.nonNegative("paidToPayee"),
                f.nonNegative("closingSequence"), f.text("memo", MAX_MEMO_CHARS));
    }

    public static ObjectNode channels(List<ChannelInfo> list) {
        ObjectNode n = NODES.objectNode();
        ArrayNode a = n.putArray("channels");
        list.forEach(c -> a.add(channel(c)));
        return n;
    }

    public static List<ChannelInfo> channels(JsonNode node) {
        JsonFields f = JsonFields.of(node, "channel list", Set.of("channels"));
        List<ChannelInfo> out = new ArrayList<>();
        f.array("channels", MAX_LIST).forEach(c -> out.add(channel(c)));
        return List.copyOf(out);
    }

    public static ObjectNode historyEntry(HistoryEntry h) {
        ObjectNode n = NODES.objectNode();
        n.put("journalSeq", h.journalSeq()).put("atMillis", h.atMillis()).put("kind", h.kind().name());
        if (h.counterparty() == null) {
            n.putNull("counterparty");
        } else {
            n.put("counterparty", h.counterparty().toEvm());
        }
        n.put("delta", h.delta()).put("memo", h.memo() == null ? "" : h.memo());
        if (h.channel() == null) {
            n.putNull("channel");
        } else {
            n.put("channel", h.channel().hex());
        }
        return n;
    }

    public static HistoryEntry historyEntry(JsonNode node) {
        JsonFields f = JsonFields.of(node, "history entry",
                Set.of("journalSeq", "atMillis", "kind", "counterparty", "delta", "memo", "channel"));
        f.required("counterparty");
        f.required("channel");
        Address counterparty = f.isAbsentOrNull("counterparty") ? null : f.address("counterparty");
        ChannelId channel = f.isAbsentOrNull("channel") ? null : new ChannelId(f.hex("channel", 32));
        return new HistoryEntry(f.nonNegative("journalSeq"), f.longValue("atMillis"),
                enumValue(HistoryEntry.Kind.class, f.text("kind", 32), "history kind"), counterparty,
                f.longValue("delta"), f.text("memo", MAX_MEMO_CHARS), channel);
    }

    public static ObjectNode history(List<HistoryEntry> list) {
        ObjectNode n = NODES.objectNode();
        ArrayNode a = n.putArray("entries");
        list.forEach(h -> a.add(historyEntry(h)));
        return n;
    }

    public static List<HistoryEntry> history(JsonNode node) {
        JsonFields f = JsonFields.of(node, "history", Set.of("entries"));
        List<HistoryEntry> out = new ArrayList<>();
        f.array("entries", MAX_LIST).forEach(h -> out.add(historyEntry(h)));
        return List.copyOf(out);
    }

    public static ObjectNode audit(AuditReport r) {
        ObjectNode n = NODES.objectNode();
        n.put("supply", r.supply()).put("sumBalances", r.sumBalances()).put("sumOpenEscrow", r.sumOpenEscrow())
                .put("journalLength", r.journalLength());
        ArrayNode p = n.putArray("problems");
        r.problems().forEach(p::add);
        return n;
    }

    public static AuditReport audit(JsonNode node) {
        JsonFields f = JsonFields.of(node, "audit report",
                Set.of("supply", "sumBalances", "sumOpenEscrow", "journalLength", "problems"));
        List<String> problems = new ArrayList<>();
        for (JsonNode p : f.array("problems", MAX_LIST)) {
            if (!p.isTextual()) {
                throw JsonFields.invalid("audit report: problems must be strings");
            }
            problems.add(p.textValue());
        }
        return new AuditReport(f.longValue("supply"), f.longValue("sumBalances"), f.longValue("sumOpenEscrow"),
                f.nonNegative("journalLength"), problems);
    }

    public static ObjectNode error(ErrorBody e) {
        return NODES.objectNode().put("error", e.code().name()).put("message", e.message() == null ? "" : e.message());
    }

    public static ErrorBody error(JsonNode node) {
        JsonFields f = JsonFields.of(node, "error", Set.of("error", "message"));
        Code code = enumValue(Code.class, f.text("error", 32), "error code");
        return new ErrorBody(code, f.text("message", MAX_BODY_BYTES));
    }

    // ---- pieces

    private static ObjectNode signer(ObjectNode n, PublicKey key, Signature sig) {
        return n.put("publicKey", HEX.formatHex(key.raw())).put("signature", HEX.formatHex(sig.encode()));
    }

    /** A non-positive amount is the ledger's INVALID_AMOUNT, as the embedded ledger would report it. */
    private static long positiveAmount(JsonFields f, String field) {
        long v = f.longValue(field);
        if (v <= 0) {
            throw new LedgerException(Code.INVALID_AMOUNT, "\"" + field + "\" must be positive, got " + v);
        }
        return v;
    }

    private static PublicKey publicKey(JsonFields f) {
        return key(f, "publicKey");
    }

    private static PublicKey key(JsonFields f, String field) {
        byte[] raw = f.hex(field, KEY_BYTES);
        try {
            return PublicKey.of(raw);
        } catch (CryptoException | IllegalArgumentException e) {
            throw new LedgerException(Code.BAD_SIGNATURE, "\"" + field + "\" is not a secp256k1 public key");
        }
    }

    private static Signature signature(JsonFields f, String field) {
        byte[] raw = f.hex(field, Signature.LENGTH);
        try {
            return Signature.decode(raw);
        } catch (CryptoException e) {
            throw new LedgerException(Code.BAD_SIGNATURE, "\"" + field + "\": " + e.getMessage());
        }
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, String name, String what) {
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(name)) {
                return e;
            }
        }
        throw JsonFields.invalid("unknown " + what + " \"" + JsonFields.printable(name) + "\"");
    }

    private static <T> T build(String what, java.util.function.Supplier<T> make) {
        try {
            return make.get();
        } catch (IllegalArgumentException | CryptoException e) {
            throw JsonFields.invalid(what + ": " + e.getMessage());
        }
    }
}
