package io.btspeed.ledger.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.btspeed.ledger.Ledger;
import io.btspeed.ledger.LedgerException;
import io.btspeed.ledger.LedgerException.Code;
import io.btspeed.ledger.TokenInfo;
import io.btspeed.ledger.client.HttpLedger;
import io.btspeed.ledger.contract.TestClock;
import io.btspeed.ledger.crypto.KeyPair;
import io.btspeed.ledger.op.Transfer;
import io.btspeed.ledger.store.SqliteLedger;
import io.btspeed.ledger.wire.LedgerJson;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What reaches the server as raw HTTP: hostile bodies are refused with clear errors and change nothing. */
@Timeout(60)
class LedgerServerTest {
    static final TokenInfo TOKEN = new TokenInfo("TST", 6, 1_000_000_000L);
    static final KeyPair GENESIS = KeyPair.fromPrivateKey(BigInteger.valueOf(11));
    static final KeyPair ALICE = KeyPair.fromPrivateKey(BigInteger.valueOf(12));

    @TempDir
    Path dir;
    Ledger store;
    LedgerServer server;
    HttpClient raw;
    HttpLedger client;

    @BeforeEach
    void start() throws Exception {
        store = SqliteLedger.create(dir.resolve("l.db"), TOKEN, GENESIS.address(), new TestClock(1_800_000_000_000L));
        server = LedgerServer.startLoopback(store);
        raw = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        client = new HttpLedger(URI.create(server.url()), Duration.ofSeconds(5));
    }

    @AfterEach
    void stop() {
        client.close();
        raw.close();
        server.close();
        store.close();
    }

    record Reply(int status, String body) {}

    Reply post(String path, HttpRequest.BodyPublisher body) throws Exception {
        HttpResponse<String> r = raw.send(HttpRequest.newBuilder(URI.create(server.url() + path)).timeout(Duration.ofSeconds(10))
                .POST(body).build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body());
    }

    Reply post(String path, String body) throws Exception {
        return post(path, HttpRequest.BodyPublishers.ofString(body));
    }

    Reply get(String path) throws Exception {
        HttpResponse<String> r = raw.send(HttpRequest.newBuilder(URI.create(server.url() + path)).timeout(Duration.ofSeconds(10))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body());
    }

    void assertError(Reply r, int status, Code code, String messagePart) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        var e = LedgerJson.error(LedgerJson.parse(r.body().getBytes(StandardCharsets.UTF_8)));
        assertThat(e.code()).isEqualTo(code);
        assertThat(e.message()).contains(messagePart);
    }

    String transferJson(long amount) {
        return new String(LedgerJson.bytes(LedgerJson.transfer(
                new Transfer(GENESIS.address(), ALICE.address(), amount, 0, "m").sign(GENESIS))), StandardCharsets.UTF_8);
    }

    @Test
    void hostileRequestsAreRejectedAndChangeNothing() throws Exception {
        long journal = store.audit().journalLength();
        assertError(post("/v1/transfer", "{\"from\":"), 400, Code.INVALID_REQUEST, "malformed JSON");
        assertError(post("/v1/transfer", "[]"), 400, Code.INVALID_REQUEST, "JSON object");
        assertError(post("/v1/transfer", transferJson(5).replace("\"amount\":5", "\"amount\":\"5\"")), 400,
                Code.INVALID_REQUEST, "JSON integer");
        assertError(post("/v1/transfer", transferJson(5).replace("\"amount\":5", "\"amount\":5.0")), 400,
                Code.INVALID_REQUEST, "JSON integer");
        assertError(post("/v1/transfer", transferJson(5).replace("\"amount\":5", "\"amount\":-5")), 400,
                Code.INVALID_AMOUNT, "positive");
        assertError(post("/v1/transfer", transferJson(5).replace("{", "{\"admin\":true,")), 400,
                Code.INVALID_REQUEST, "unknown field");
        // a valid signature over amount 5 presented with amount 6
        assertError(post("/v1/transfer", transferJson(5).replace("\"amount\":5", "\"amount\":6")), 403,
                Code.BAD_SIGNATURE, "");
        String big = "{\"memo\":\"" + "x".repeat(LedgerJson.MAX_BODY_BYTES) + "\"}";
        assertError(post("/v1/transfer", big), 413, Code.INVALID_REQUEST, "larger than");
        // the same without a Content-Length (chunked): refused once the limit is crossed while reading
        InputStream endless = new SequenceInputStream(Collections.enumeration(java.util.stream.Stream
                .generate(() -> (InputStream) new ByteArrayInputStream(new byte[8192])).limit(64).toList()));
        assertError(post("/v1/transfer", HttpRequest.BodyPublishers.ofInputStream(() -> endless)), 413,
                Code.INVALID_REQUEST, "larger than");
        assertError(get("/v1/nothing"), 400, Code.INVALID_REQUEST, "no such endpoint");
        assertError(get("/v1/channels/" + "00".repeat(32)), 404, Code.CHANNEL_NOT_FOUND, "");
        assertError(get("/v1/accounts/" + ALICE.address().toEvm() + "/history?limit=abc"), 400, Code.INVALID_REQUEST, "limit");

        assertThat(store.audit().journalLength()).isEqualTo(journal);
        assertThat(store.balance(GENESIS.address())).isEqualTo(TOKEN.supply());
        assertThat(store.balance(ALICE.address())).isZero();
        assertThat(store.nextNonce(GENESIS.address())).isZero();

        // and the server still works afterwards
        Reply ok = post("/v1/transfer", transferJson(5));
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(store.balance(ALICE.address())).isEqualTo(5);
        Reply account = get("/v1/accounts/" + ALICE.address().toTron());
        assertThat(LedgerJson.account(LedgerJson.parse(account.body().getBytes(StandardCharsets.UTF_8))).balance()).isEqualTo(5);
    }

    @Test
    void clientSeesTheLedgersOwnErrorCodes() {
        Transfer.Signed tooMuch = new Transfer(ALICE.address(), GENESIS.address(), 1, 0, "").sign(ALICE);
        assertThatThrownBy(() -> client.transfer(tooMuch)).isInstanceOfSatisfying(LedgerException.class,
                e -> assertThat(e.code()).isEqualTo(Code.INSUFFICIENT_FUNDS));
        assertThat(client.token()).isEqualTo(TOKEN);
        assertThat(client.id()).isEqualTo(store.id());
        assertThat(client.channel(new io.btspeed.ledger.ChannelId(new byte[32]))).isEmpty();
    }

    @Test
    void unreachableServerIsUnavailable() {
        String url = server.url();
        server.stop(Duration.ZERO);
        try (HttpLedger gone = new HttpLedger(URI.create(url), Duration.ofSeconds(2))) {
            assertThatThrownBy(() -> gone.balance(ALICE.address())).isInstanceOfSatisfying(LedgerException.class,
                    e -> assertThat(e.code()).isEqualTo(Code.UNAVAILABLE));
        }
    }
}
