package io.btspeed.ledger.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.btspeed.ledger.AuditReport;
import io.btspeed.ledger.ChannelId;
import io.btspeed.ledger.ChannelInfo;
import io.btspeed.ledger.HistoryEntry;
import io.btspeed.ledger.LedgerException;
import io.btspeed.ledger.LedgerException.Code;
import io.btspeed.ledger.Receipt;
import io.btspeed.ledger.TokenInfo;
import io.btspeed.ledger.crypto.KeyPair;
import io.btspeed.ledger.crypto.PublicKey;
import io.btspeed.ledger.op.ChannelClose;
import io.btspeed.ledger.op.ChannelOpen;
import io.btspeed.ledger.op.ChannelState;
import io.btspeed.ledger.op.Transfer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class LedgerJsonTest {
    static final KeyPair ALICE = KeyPair.fromPrivateKey(BigInteger.valueOf(0xA11CE));
    static final KeyPair BOB = KeyPair.fromPrivateKey(BigInteger.valueOf(0xB0B));

    static Transfer.Signed transfer() {
        return new Transfer(ALICE.address(), BOB.address(), 1_500_000, 7, "infohash ✓").sign(ALICE);
    }

    static byte[] json(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String transferJson() {
        return new String(LedgerJson.bytes(LedgerJson.transfer(transfer())), StandardCharsets.UTF_8);
    }

    @Test
    void transferRoundTripsAndStillVerifies() {
        Transfer.Signed back = LedgerJson.transfer(LedgerJson.parse(LedgerJson.bytes(LedgerJson.transfer(transfer()))));
        assertThat(back.transfer()).isEqualTo(transfer().transfer());
        assertThat(back.id()).isEqualTo(transfer().id());
        assertThat(back.verify()).isTrue();
    }

    @Test
    void channelOpenAndCloseRoundTrip() {
        ChannelOpen.Signed open = new ChannelOpen(ALICE.address(), BOB.address(), 9_000, 1_700_000_000_000L, 3, "m")
                .sign(ALICE);
        ChannelOpen.Signed openBack = LedgerJson.channelOpen(LedgerJson.parse(LedgerJson.bytes(LedgerJson.channelOpen(open))));
        assertThat(openBack.open()).isEqualTo(open.open());
        assertThat(openBack.verify()).isTrue();

        ChannelId id = open.open().channelId();
        ChannelState.Signed state = new ChannelState(id.bytes(), 5, 4_000).sign(ALICE);
        ChannelClose.Signed close = new ChannelClose(id, state).sign(BOB);
        ChannelClose.Signed closeBack = LedgerJson.channelClose(LedgerJson.parse(LedgerJson.bytes(LedgerJson.channelClose(close))));
        assertThat(closeBack.close().digest()).isEqualTo(close.close().digest());
        assertThat(closeBack.verify()).isTrue();
        assertThat(closeBack.close().best().verify(PublicKey.of(ALICE.publicKey()))).isTrue();

        ChannelClose.Signed empty = new ChannelClose(id, null).sign(BOB);
        ChannelClose.Signed emptyBack = LedgerJson.channelClose(LedgerJson.parse(LedgerJson.bytes(LedgerJson.channelClose(empty))));
        assertThat(emptyBack.close().best()).isNull();
        assertThat(emptyBack.verify()).isTrue();
    }

    @Test
    void responsesRoundTrip() {
        Receipt r = new Receipt(new byte[32], 12, 1_700_000_000_123L);
        assertThat(LedgerJson.receipt(LedgerJson.parse(LedgerJson.bytes(LedgerJson.receipt(r)))).journalSeq()).isEqualTo(12);
        assertThat(LedgerJson.token(LedgerJson.parse(LedgerJson.bytes(LedgerJson.token(TokenInfo.DEFAULT)))))
                .isEqualTo(TokenInfo.DEFAULT);
        ChannelInfo c = new ChannelInfo(new ChannelId(new byte[32]), ALICE.address(), PublicKey.of(ALICE.publicKey()),
                BOB.address(), 10, 99, ChannelInfo.Status.CLOSED, 4, 2, "x");
        assertThat(LedgerJson.channels(LedgerJson.parse(LedgerJson.bytes(LedgerJson.channels(List.of(c)))))).containsExactly(c);
        HistoryEntry h = new HistoryEntry(3, 4, HistoryEntry.Kind.TRANSFER_OUT, BOB.address(), -5, "", null);
        HistoryEntry g = new HistoryEntry(0, 1, HistoryEntry.Kind.GENESIS, null, 5, "genesis", new ChannelId(new byte[32]));
        assertThat(LedgerJson.history(LedgerJson.parse(LedgerJson.bytes(LedgerJson.history(List.of(h, g)))))).containsExactly(h, g);
        AuditReport a = new AuditReport(10, 7, 3, 5, List.of("broken link at 4"));
        assertThat(LedgerJson.audit(LedgerJson.parse(LedgerJson.bytes(LedgerJson.audit(a))))).isEqualTo(a);
        ErrorBody e = new ErrorBody(Code.STALE_STATE, "sequence 3 <= 5");
        assertThat(LedgerJson.error(LedgerJson.parse(LedgerJson.bytes(LedgerJson.error(e))))).isEqualTo(e);
    }

    private static void rejects(String body, Code code, String messagePart) {
        assertThatThrownBy(() -> LedgerJson.transfer(LedgerJson.parse(json(body))))
                .isInstanceOfSatisfying(LedgerException.class, e -> assertThat(e.code()).isEqualTo(code))
                .hasMessageContaining(messagePart);
    }

    private static String with(String field, String rawValue) {
        ObjectNode n = LedgerJson.transfer(transfer());
        String s = new String(LedgerJson.bytes(n), StandardCharsets.UTF_8);
        return s.replaceFirst("\"" + field + "\":(\"[^\"]*\"|-?[0-9]+)", "\"" + field + "\":" + rawValue);
    }

    @Test
    void numbersMustBeJsonIntegersInRange() {
        rejects(with("amount", "1500000.0"), Code.INVALID_REQUEST, "JSON integer");
        rejects(with("amount", "1.5e6"), Code.INVALID_REQUEST, "JSON integer");
        rejects(with("amount", "\"1500000\""), Code.INVALID_REQUEST, "JSON integer");
        rejects(with("amount", "9223372036854775808"), Code.INVALID_REQUEST, "64 bits");
        rejects(with("amount", "0"), Code.INVALID_AMOUNT, "positive");
        rejects(with("amount", "-5"), Code.INVALID_AMOUNT, "positive");
        rejects(with("nonce", "-1"), Code.INVALID_REQUEST, "negative");
        rejects(with("amount", "true"), Code.INVALID_REQUEST, "JSON integer");
        rejects(with("amount", "1" + "0".repeat(40)), Code.INVALID_REQUEST, "malformed JSON");
    }

    @Test
    void shapeIsStrict() {
        String ok = transferJson();
        rejects(ok.replace("{", "{\"extra\":1,"), Code.INVALID_REQUEST, "unknown field \"extra\"");
        rejects(ok.replace("{", "{\"amount\":1,"), Code.INVALID_REQUEST, "Duplicate field");
        rejects(ok + "{}", Code.INVALID_REQUEST, "malformed JSON");
        rejects(ok.substring(0, ok.length() - 3), Code.INVALID_REQUEST, "malformed JSON");
        rejects("[" + ok + "]", Code.INVALID_REQUEST, "must be a JSON object");
        rejects("", Code.INVALID_REQUEST, "empty body");
        rejects("null", Code.INVALID_REQUEST, "must be a JSON object");
        rejects(ok.replaceFirst(",\"memo\":\"[^\"]*\"", ""), Code.INVALID_REQUEST, "missing field \"memo\"");
        rejects(with("memo", "\"" + "x".repeat(257) + "\""), Code.INVALID_REQUEST, "longer than 256");
        rejects("[".repeat(100) + "]".repeat(100), Code.INVALID_REQUEST, "malformed JSON");
        rejects("{\"a\":" + "\"x".repeat(1) + "y".repeat(LedgerJson.MAX_BODY_BYTES) + "\"}", Code.INVALID_REQUEST, "larger than");
    }

    @Test
    void hexAndKeysAreChecked() {
        rejects(with("signature", "\"abcd\""), Code.INVALID_REQUEST, "128 hex characters");
        rejects(with("signature", "\"" + "zz".repeat(64) + "\""), Code.INVALID_REQUEST, "not hex");
        rejects(with("publicKey", "\"" + "00".repeat(64) + "\""), Code.BAD_SIGNATURE, "not a secp256k1 public key");
        // high-S or zero signatures are refused before any verification is attempted
        rejects(with("signature", "\"" + "00".repeat(64) + "\""), Code.BAD_SIGNATURE, "signature");
        rejects(with("to", "\"0x1234\""), Code.INVALID_REQUEST, "not an address");
    }

    @Test
    void aTamperedFieldDecodesButNoLongerVerifies() {
        Transfer.Signed t = LedgerJson.transfer(LedgerJson.parse(json(with("amount", "1500001"))));
        assertThat(t.verify()).isFalse();
    }
}
