package io.btspeed.ledger.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.btspeed.ledger.AuditReport;
import io.btspeed.ledger.ChannelId;
import io.btspeed.ledger.ChannelInfo;
import io.btspeed.ledger.HistoryEntry;
import io.btspeed.ledger.Ledger;
import io.btspeed.ledger.LedgerException;
import io.btspeed.ledger.LedgerException.Code;
import io.btspeed.ledger.Receipt;
import io.btspeed.ledger.TokenInfo;
import io.btspeed.ledger.crypto.Address;
import io.btspeed.ledger.op.ChannelClose;
import io.btspeed.ledger.op.ChannelOpen;
import io.btspeed.ledger.op.Transfer;
import io.btspeed.ledger.wire.AccountView;
import io.btspeed.ledger.wire.LedgerJson;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A {@link Ledger} on a ledger server ({@code btspeed ledger serve}). Errors come back as the same
 * {@link LedgerException.Code}s the embedded ledger throws; a server that cannot be reached is
 * UNAVAILABLE. Submits are retried a few times on network failure: operations are idempotent, so a
 * retry of an operation the server already committed returns the original receipt instead of
 * moving tokens twice. The server's bytes are decoded as strictly as the server decodes ours.
 */
public final class HttpLedger implements Ledger {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    private static final int ATTEMPTS = 3;

    private final URI base;
    private final Duration timeout;
    private final HttpClient http;
    private volatile TokenInfo token;
    private volatile String id;

    /** @param base the server, e.g. {@code http://127.0.0.1:8545}; a trailing slash is ignored */
    public HttpLedger(URI base, Duration timeout) {
        if (base.getScheme() == null || !base.getScheme().equals("http") || base.getHost() == null) {
            throw new IllegalArgumentException("ledger server address must be http://host:port, got " + base);
        }
        String s = base.toString();
        this.base = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
        this.timeout = timeout;
        this.http = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .build();
    }

    public HttpLedger(URI base) {
        this(base, DEFAULT_TIMEOUT);
    }

    public URI base() {
        return base;
    }

    @Override
    public TokenInfo token() {
        TokenInfo t = token;
        if (t == null) {
            // A ledger's token never changes, so one fetch serves the client's lifetime.
            t = get("/v1/token", LedgerJson::token);
            token = t;
        }
        return t;
    }

    /** The served ledger's own id, so a peer using the server and one using the database agree. */
    @Override
    public String id() {
        String i = id;
        if (i == null) {
            i = get("/v1/id", LedgerJson::ledgerId);
            id = i;
        }
        return i;
    }

    @Override
    public long balance(Address account) {
        return account(account).balance();
    }

    @Override
    public long nextNonce(Address account) {
        return account(account).nextNonce();
    }

    /** Balance and next nonce in one round trip. */
    public AccountView account(Address account) {
        return get("/v1/accounts/" + account.toEvm(), LedgerJson::account);
    }

    @Override
    public Receipt transfer(Transfer.Signed transfer) {
        return post("/v1/transfer", LedgerJson.bytes(LedgerJson.transfer(transfer)));
    }

    @Override
    public Receipt openChannel(ChannelOpen.Signed open) {
        return post("/v1/channels/open", LedgerJson.bytes(LedgerJson.channelOpen(open)));
    }

    @Override
    public Receipt closeChannel(ChannelClose.Signed close) {
        return post("/v1/channels/close", LedgerJson.bytes(LedgerJson.channelClose(close)));
    }

    @Override
    public Receipt refundExpired(ChannelId channel) {
        return post("/v1/channels/" + channel.hex() + "/refund", new byte[0]);
    }

    @Override
    public Optional<ChannelInfo> channel(ChannelId channel) {
        try {
            return Optional.of(get("/v1/channels/" + channel.hex(), LedgerJson::channel));
        } catch (LedgerException e) {
            if (e.code() == Code.CHANNEL_NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public List<ChannelInfo> openChannels(Address account) {
        return get("/v1/accounts/" + account.toEvm() + "/channels", LedgerJson::channels);
    }

    @Override
    public List<HistoryEntry> history(Address account, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        int capped = Math.min(limit, LedgerJson.MAX_LIST);
        return get("/v1/accounts/" + account.toEvm() + "/history?limit=" + capped, LedgerJson::history);
    }

    @Override
    public AuditReport audit() {
        return get("/v1/audit", LedgerJson::audit);
    }

    @Override
    public void close() {
        http.close();
    }

    private <T> T get(String path, Function<JsonNode, T> decode) {
        return exchange(HttpRequest.newBuilder(base.resolve(path)).GET(), decode);
    }

    private Receipt post(String path, byte[] body) {
        return exchange(HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)), LedgerJson::receipt);
    }

    private <T> T exchange(HttpRequest.Builder builder, Function<JsonNode, T> decode) {
        HttpRequest request = builder.timeout(timeout).build();
        IOException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            HttpResponse<InputStream> response;
            byte[] body;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
                try (InputStream in = response.body()) {
                    body = in.readNBytes(LedgerJson.MAX_RESPONSE_BYTES + 1);
                }
            } catch (HttpTimeoutException e) {
                // A timed-out submit may still commit on the server; the caller may resubmit it safely.
                throw new LedgerException(Code.UNAVAILABLE, "ledger server " + base + " timed out", e);
            } catch (ConnectException e) {
                throw new LedgerException(Code.UNAVAILABLE, "ledger server " + base + " unreachable: " + e.getMessage(), e);
            } catch (IOException e) {
                last = e; // connection reset or closed mid-exchange: the idempotent request is safe to repeat
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LedgerException(Code.UNAVAILABLE, "interrupted while waiting for the ledger server", e);
            }
            return decodeResponse(response.statusCode(), body, decode);
        }
        throw new LedgerException(Code.UNAVAILABLE, "ledger server " + base + " failed: " + last, last);
    }

    private <T> T decodeResponse(int status, byte[] body, Function<JsonNode, T> decode) {
        if (body.length > LedgerJson.MAX_RESPONSE_BYTES) {
            throw new LedgerException(Code.INTERNAL, "ledger server " + base + " sent a response larger than "
                    + LedgerJson.MAX_RESPONSE_BYTES + " bytes");
        }
        JsonNode node;
        try {
            node = LedgerJson.parseResponse(body);
        } catch (LedgerException e) {
            throw new LedgerException(status >= 500 ? Code.UNAVAILABLE : Code.INTERNAL,
                    "ledger server " + base + " answered HTTP " + status + " with no valid JSON: " + e.getMessage());
        }
        if (status == 200) {
            try {
                return decode.apply(node);
            } catch (LedgerException e) {
                throw new LedgerException(Code.INTERNAL, "bad response from ledger server " + base + ": " + e.getMessage());
            }
        }
        io.btspeed.ledger.wire.ErrorBody error;
        try {
            error = LedgerJson.error(node);
        } catch (LedgerException e) {
            throw new LedgerException(Code.INTERNAL, "ledger server " + base + " answered HTTP " + status
                    + " without a valid error body: " + e.getMessage());
        }
        throw error.toException();
    }
}
