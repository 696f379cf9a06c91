package io.btspeed.ledger.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.btspeed.ledger.LedgerException;
import io.btspeed.ledger.LedgerException.Code;
import io.btspeed.ledger.crypto.KeyPair;
import io.btspeed.ledger.op.Transfer;
import io.btspeed.ledger.wire.LedgerJson;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class RequestDecoderTest {
    static final KeyPair ALICE = KeyPair.fromPrivateKey(BigInteger.valueOf(0xA11CE));
    static final String ADDR = ALICE.address().toEvm();
    static final String CHANNEL = "ab".repeat(32);
    static final byte[] NONE = new byte[0];

    @Test
    void routesEveryEndpoint() {
        assertThat(RequestDecoder.decode("GET", "/v1/token", null, NONE)).isInstanceOf(ApiRequest.GetToken.class);
        assertThat(RequestDecoder.decode("GET", "/v1/audit", null, NONE)).isInstanceOf(ApiRequest.GetAudit.class);
        assertThat(RequestDecoder.decode("GET", "/v1/id", null, NONE)).isInstanceOf(ApiRequest.GetId.class);
        assertThat(RequestDecoder.decode("GET", "/v1/accounts/" + ADDR, null, NONE))
                .isEqualTo(new ApiRequest.GetAccount(ALICE.address()));
        assertThat(RequestDecoder.decode("GET", "/v1/accounts/" + ALICE.address().toTron(), null, NONE))
                .isEqualTo(new ApiRequest.GetAccount(ALICE.address()));
        assertThat(RequestDecoder.decode("GET", "/v1/accounts/" + ADDR + "/history", "limit=7", NONE))
                .isEqualTo(new ApiRequest.GetHistory(ALICE.address(), 7));
        assertThat(RequestDecoder.decode("GET", "/v1/accounts/" + ADDR + "/history", null, NONE))
                .isEqualTo(new ApiRequest.GetHistory(ALICE.address(), RequestDecoder.DEFAULT_HISTORY_LIMIT));
        assertThat(RequestDecoder.decode("GET", "/v1/accounts/" + ADDR + "/channels", null, NONE))
                .isEqualTo(new ApiRequest.GetAccountChannels(ALICE.address()));
        assertThat(RequestDecoder.decode("GET", "/v1/channels/" + CHANNEL, null, NONE))
                .isInstanceOf(ApiRequest.GetChannel.class);
        assertThat(RequestDecoder.decode("POST", "/v1/channels/" + CHANNEL + "/refund", null, NONE))
                .isInstanceOf(ApiRequest.SubmitRefund.class);
        assertThat(RequestDecoder.decode("POST", "/v1/channels/" + CHANNEL + "/refund", null, "{}".getBytes()))
                .isInstanceOf(ApiRequest.SubmitRefund.class);
        Transfer.Signed t = new Transfer(ALICE.address(), ALICE.address(), 1, 0, "").sign(ALICE);
        assertThat(RequestDecoder.decode("POST", "/v1/transfer", null, LedgerJson.bytes(LedgerJson.transfer(t))))
                .isInstanceOf(ApiRequest.SubmitTransfer.class);
    }

    private static void rejects(String method, String path, String query, byte[] body, String part) {
        assertThatThrownBy(() -> RequestDecoder.decode(method, path, query, body))
                .isInstanceOfSatisfying(LedgerException.class, e -> assertThat(e.code()).isEqualTo(Code.INVALID_REQUEST))
                .hasMessageContaining(part);
    }

    @Test
    void rejectsWhatIsNotAnEndpoint() {
        rejects("GET", "/v2/token", null, NONE, "no such endpoint");
        rejects("GET", "/v1/token/", null, NONE, "no such endpoint");
        rejects("DELETE", "/v1/token", null, NONE, "not allowed");
        rejects("GET", "/v1/token", null, "{}".getBytes(), "no body");
        rejects("GET", "/v1/token", "x=1", NONE, "no query");
        rejects("GET", "/v1/accounts/0xnothex", null, NONE, "not an address");
        rejects("GET", "/v1/channels/abc", null, NONE, "64 hex");
        rejects("GET", "/v1/channels/" + "zz".repeat(32), null, NONE, "not hex");
        rejects("GET", "/v1/accounts/" + ADDR + "/history", "limit=0", NONE, "limit");
        rejects("GET", "/v1/accounts/" + ADDR + "/history", "limit=1001", NONE, "limit");
        rejects("GET", "/v1/accounts/" + ADDR + "/history", "limit=-1", NONE, "limit");
        rejects("GET", "/v1/accounts/" + ADDR + "/history", "limit=5&x=1", NONE, "only ?limit");
        rejects("POST", "/v1/transfer", null, "{\"from\":".getBytes(), "malformed JSON");
        rejects("POST", "/v1/channels/" + CHANNEL + "/refund", null, "{\"a\":1}".getBytes(), "no body");
    }
}
