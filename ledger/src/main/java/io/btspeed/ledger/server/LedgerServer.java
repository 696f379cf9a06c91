package io.btspeed.ledger.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.btspeed.ledger.Ledger;
import io.btspeed.ledger.LedgerException;
import io.btspeed.ledger.LedgerException.Code;
import io.btspeed.ledger.wire.AccountView;
import io.btspeed.ledger.wire.ErrorBody;
import io.btspeed.ledger.wire.LedgerJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one {@link Ledger} over HTTP/JSON so peers on different machines share it. Reads are
 * public; every state change arrives as a signed operation that the ledger itself verifies, so the
 * server trusts no caller and needs no sessions or API keys. Each request runs on its own virtual
 * thread; the ledger below serialises what must be serialised.
 *
 * <p>Endpoints: GET /v1/token, /v1/id, /v1/accounts/{addr}, /v1/accounts/{addr}/history?limit=N,
 * /v1/accounts/{addr}/channels, /v1/channels/{id}, /v1/audit; POST /v1/transfer,
 * /v1/channels/open, /v1/channels/close, /v1/channels/{id}/refund. Errors are
 * {"error": CODE, "message": text} with the {@link LedgerException.Code} of the embedded ledger.
 */
public final class LedgerServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LedgerServer.class);

    /** How much of a refused oversized body is still read (and dropped) so the 413 reaches the client. */
    private static final long DRAIN_LIMIT = 1024 * 1024;

    private final Ledger ledger;
    private final HttpServer http;
    private final ExecutorService executor;

    private LedgerServer(Ledger ledger, HttpServer http, ExecutorService executor) {
        this.ledger = ledger;
        this.http = http;
        this.executor = executor;
    }

    /**
     * Binds and starts serving. Port 0 lets the OS choose ({@link #address()} tells which). The
     * ledger stays owned by the caller: closing the server does not close it.
     */
    public static LedgerServer start(Ledger ledger, InetAddress bind, int port) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(bind, port), 128);
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        LedgerServer server = new LedgerServer(ledger, http, executor);
        http.createContext("/", server::handle);
        http.setExecutor(executor);
        http.start();
        return server;
    }

    /** Loopback on an OS-chosen port: what tests and local setups want. */
    public static LedgerServer startLoopback(Ledger ledger) throws IOException {
        return start(ledger, InetAddress.getLoopbackAddress(), 0);
    }

    public InetSocketAddress address() {
        return http.getAddress();
    }

    /** "http://host:port" as a client ({@code --ledger}) takes it. */
    public String url() {
        InetSocketAddress a = address();
        String host = a.getAddress().getHostAddress();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return "http://" + host + ":" + a.getPort();
    }

    /**
     * Stops accepting connections, lets requests in flight finish for up to {@code grace}, then
     * stops. A request cut off by the deadline was either committed by the ledger or not at all;
     * its client retries the (idempotent) operation.
     */
    public void stop(Duration grace) {
        http.stop((int) Math.max(0, Math.min(Integer.MAX_VALUE, grace.toSeconds())));
        executor.close();
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(2));
    }

    private void handle(HttpExchange ex) {
        int status;
        JsonNode out;
        try {
            byte[] body = readBody(ex);
            ApiRequest request = RequestDecoder.decode(ex.getRequestMethod(), ex.getRequestURI().getRawPath(),
                    ex.getRequestURI().getRawQuery(), body);
            out = execute(request);
            status = 200;
        } catch (BodyTooLarge e) {
            status = 413;
            out = LedgerJson.error(new ErrorBody(Code.INVALID_REQUEST, e.getMessage()));
            ex.getResponseHeaders().set("Connection", "close");
            drain(ex);
        } catch (LedgerException e) {
            status = ErrorBody.httpStatus(e.code());
            out = LedgerJson.error(new ErrorBody(e.code(), e.getMessage()));
            if (e.code() == Code.INTERNAL) {
                LOG.warn("ledger internal error on {} {}", ex.getRequestMethod(), ex.getRequestURI().getRawPath(), e);
            }
        } catch (IOException e) {
            // The client went away while sending; nobody is left to answer.
            LOG.debug("reading request failed: {}", e.toString());
            ex.close();
            return;
        } catch (RuntimeException e) {
            LOG.warn("unexpected error on {} {}", ex.getRequestMethod(), ex.getRequestURI().getRawPath(), e);
            status = 500;
            out = LedgerJson.error(new ErrorBody(Code.INTERNAL, "internal error"));
        }
        respond(ex, status, LedgerJson.bytes(out));
    }

    private JsonNode execute(ApiRequest request) {
        return switch (request) {
            case ApiRequest.GetToken t -> LedgerJson.token(ledger.token());
            case ApiRequest.GetId i -> LedgerJson.ledgerId(ledger.id());
            case ApiRequest.GetAccount a -> LedgerJson.account(
                    new AccountView(a.account(), ledger.balance(a.account()), ledger.nextNonce(a.account())));
            case ApiRequest.GetHistory h -> LedgerJson.history(ledger.history(h.account(), h.limit()));
            case ApiRequest.GetChannel c -> LedgerJson.channel(ledger.channel(c.channel()).orElseThrow(
                    () -> new LedgerException(Code.CHANNEL_NOT_FOUND, "no channel " + c.channel().hex())));
            case ApiRequest.GetAccountChannels a -> LedgerJson.channels(ledger.openChannels(a.account()));
            case ApiRequest.GetAudit a -> LedgerJson.audit(ledger.audit());
            case ApiRequest.SubmitTransfer t -> LedgerJson.receipt(ledger.transfer(t.transfer()));
            case ApiRequest.SubmitOpen o -> LedgerJson.receipt(ledger.openChannel(o.open()));
            case ApiRequest.SubmitClose c -> LedgerJson.receipt(ledger.closeChannel(c.close()));
            case ApiRequest.SubmitRefund r -> LedgerJson.receipt(ledger.refundExpired(r.channel()));
        };
    }

    /** Reads at most {@link LedgerJson#MAX_BODY_BYTES}; a larger body is refused before it is buffered. */
    private static byte[] readBody(HttpExchange ex) throws IOException {
        String declared = ex.getRequestHeaders().getFirst("Content-Length");
        if (declared != null) {
            long n;
            try {
                n = Long.parseLong(declared.trim());
            } catch (NumberFormatException e) {
                throw new LedgerException(Code.INVALID_REQUEST, "bad Content-Length");
            }
            if (n > LedgerJson.MAX_BODY_BYTES) {
                throw new BodyTooLarge();
            }
        }
        try (InputStream in = ex.getRequestBody()) {
            byte[] body = in.readNBytes(LedgerJson.MAX_BODY_BYTES + 1);
            if (body.length > LedgerJson.MAX_BODY_BYTES) {
                throw new BodyTooLarge(); // chunked upload that kept going
            }
            return body;
        }
    }

    /**
     * Reads and drops the rest of a refused body (up to {@link #DRAIN_LIMIT}) so the client, still
     * sending, receives the 413 instead of a connection reset; a client sending more than that is
     * cut off.
     */
    private static void drain(HttpExchange ex) {
        try (InputStream in = ex.getRequestBody()) {
            long left = DRAIN_LIMIT;
            byte[] buf = new byte[16 * 1024];
            int n;
            while (left > 0 && (n = in.read(buf, 0, (int) Math.min(buf.length, left))) > 0) {
                left -= n;
            }
        } catch (IOException e) {
            LOG.debug("draining refused body: {}", e.toString());
        }
    }

    private static void respond(HttpExchange ex, int status, byte[] body) {
        try (ex) {
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.getResponseHeaders().set("Cache-Control", "no-store");
            ex.sendResponseHeaders(status, body.length);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(body);
            }
        } catch (IOException e) {
            LOG.debug("writing response failed: {}", e.toString());
        }
    }

    private static final class BodyTooLarge extends RuntimeException {
        BodyTooLarge() {
            super("request body larger than " + LedgerJson.MAX_BODY_BYTES + " bytes", null, false, false);
        }
    }
}
