package io.btspeed.tracker.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.btspeed.protocol.ProtocolException;
import io.btspeed.protocol.metainfo.InfoHash;
import io.btspeed.tracker.AnnounceResult;
import io.btspeed.tracker.ScrapeEntry;
import io.btspeed.tracker.SwarmRegistry;
import io.btspeed.tracker.TrackerCounters;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP front end: GET /announce and GET /scrape on the JDK's HTTP server, one virtual thread per
 * request. Protocol errors are answered with a bencoded "failure reason" (HTTP 200, as clients
 * expect: many ignore the body of other statuses); unknown paths get 404.
 */
public final class HttpTracker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpTracker.class);

    private final HttpServer server;
    private final ExecutorService executor;
    private final SwarmRegistry registry;
    private final TrackerCounters counters;
    private final LongSupplier clockMillis;

    private HttpTracker(HttpServer server, ExecutorService executor, SwarmRegistry registry, TrackerCounters counters,
                        LongSupplier clockMillis) {
        this.server = server;
        this.executor = executor;
        this.registry = registry;
        this.counters = counters;
        this.clockMillis = clockMillis;
    }

    /** Binds and starts serving; port 0 picks a free port (see {@link #port()}). */
    public static HttpTracker start(InetSocketAddress bind, SwarmRegistry registry, TrackerCounters counters,
                                    LongSupplier clockMillis) throws IOException {
        HttpServer server = HttpServer.create(bind, 1024);
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        HttpTracker t = new HttpTracker(server, executor, registry, counters, clockMillis);
        server.createContext("/", t::handle);
        server.setExecutor(executor);
        server.start();
        return t;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getRawPath();
            if (!"GET".equals(ex.getRequestMethod())) {
                send(ex, 405, "text/plain", "only GET\n".getBytes(StandardCharsets.US_ASCII));
                return;
            }
            InetAddress source = ex.getRemoteAddress().getAddress();
            String query = ex.getRequestURI().getRawQuery();
            switch (path) {
                case "/announce" -> send(ex, 200, "text/plain", announce(query, source));
                case "/scrape" -> send(ex, 200, "text/plain", scrape(query));
                default -> send(ex, 404, "text/plain", "not found: try /announce or /scrape\n".getBytes(StandardCharsets.US_ASCII));
            }
        } catch (IOException e) {
            log.debug("http client went away: {}", e.toString());
        } catch (RuntimeException e) {
            // a bug, not the client's fault: log it, keep serving others
            log.warn("http tracker request failed", e);
        }
    }

    /** The reply body for an announce query from {@code source}; the HTTP layer around it only frames it. */
    byte[] announce(String rawQuery, InetAddress source) {
        counters.httpAnnounces.increment();
        HttpAnnounce a;
        try {
            a = HttpAnnounce.parse(HttpQuery.parse(rawQuery), source, registry.config().trustClientIp());
        } catch (ProtocolException e) {
            counters.rejected.increment();
            return HttpReplies.failure(e.getMessage());
        }
        return switch (registry.announce(a.request(), clockMillis.getAsLong(), SwarmRegistry.ANY_FAMILY)) {
            case AnnounceResult.Accepted ok -> HttpReplies.announce(ok, a.compact(), a.noPeerId());
            case AnnounceResult.Refused no -> {
                counters.rejected.increment();
                yield HttpReplies.failure(no.reason());
            }
        };
    }

    byte[] scrape(String rawQuery) {
        counters.httpScrapes.increment();
        try {
            Map<InfoHash, ScrapeEntry> out = new LinkedHashMap<>();
            for (InfoHash h : HttpAnnounce.scrapeHashes(HttpQuery.parse(rawQuery))) {
                // a private tracker says nothing about hashes it does not serve
                if (registry.tracks(h)) out.put(h, registry.scrape(h));
            }
            return HttpReplies.scrape(out);
        } catch (ProtocolException e) {
            counters.rejected.increment();
            return HttpReplies.failure(e.getMessage());
        }
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.close();
    }
}
