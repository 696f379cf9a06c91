package io.btspeed.engine.tracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The HTTP client against a JDK HttpServer on loopback that answers canned bodies. */
@Timeout(30)
class HttpTrackerClientTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private HttpServer server;
    private final Map<String, Consumer<HttpExchange>> routes = new ConcurrentHashMap<>();
    private final List<String> rawQueries = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", ex -> {
            try (ex) {
                rawQueries.add(ex.getRequestURI().getRawQuery());
                Consumer<HttpExchange> h = routes.get(ex.getRequestURI().getPath());
                if (h == null) reply(ex, 404, "not here".getBytes(StandardCharsets.US_ASCII));
                else h.accept(ex);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
    }

    private String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private static void reply(HttpExchange ex, int status, byte[] body) {
        try {
            ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(body);
            }
        } catch (IOException e) {
            // the client hung up (expected in the size-cap tests)
        }
    }

    private static byte[] latin1(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static AnnounceResponse announce(String url) throws Exception {
        try (HttpTrackerClient c = new HttpTrackerClient(url)) {
            return c.announce(HttpAnnounceQueryTest.request(AnnounceEvent.STARTED), TIMEOUT);
        }
    }

    @Test
    void announceSendsExactBytesAndParsesCompactAnswer() throws Exception {
        routes.put("/announce", ex -> reply(ex, 200, latin1(
                "d8:completei1e10:incompletei2e8:intervali900e12:min intervali60e5:peers6:\u007f\u0000\u0000\u0001\u001a\u00e1e")));
        AnnounceResponse r = announce(base() + "/announce");
        assertThat(r).isEqualTo(new AnnounceResponse(900, 60, List.of(new InetSocketAddress("127.0.0.1", 6881)), 1, 2, null));
        String q = rawQueries.getFirst();
        assertThat(HttpAnnounceQueryTest.percentDecode(q.replaceAll("^info_hash=([^&]*).*", "$1")))
                .isEqualTo(HttpAnnounceQueryTest.HASH.bytes());
        assertThat(HttpAnnounceQueryTest.percentDecode(q.replaceAll(".*&peer_id=([^&]*).*", "$1")))
                .isEqualTo(HttpAnnounceQueryTest.PEER_ID);
        assertThat(q).contains("&port=6881&uploaded=10&downloaded=20&left=30&compact=1").contains("&event=started");
    }

    @Test
    void trackerIdIsEchoedOnTheNextAnnounce() throws Exception {
        routes.put("/announce", ex -> reply(ex, 200, latin1("d8:intervali900e5:peers0:10:tracker id4:T-42e")));
        try (HttpTrackerClient c = new HttpTrackerClient(base() + "/announce")) {
            c.announce(HttpAnnounceQueryTest.request(AnnounceEvent.STARTED), TIMEOUT);
            c.announce(HttpAnnounceQueryTest.request(AnnounceEvent.NONE), TIMEOUT);
        }
        assertThat(rawQueries.get(0)).doesNotContain("trackerid");
        assertThat(rawQueries.get(1)).endsWith("&trackerid=T-42");
    }

    @Test
    void redirectsAreFollowedAndBounded() throws Exception {
        routes.put("/old", ex -> {
            ex.getResponseHeaders().add("Location", "/new?passkey=p");
            reply(ex, 302, new byte[0]);
        });
        routes.put("/new", ex -> reply(ex, 200, latin1("d8:intervali77e5:peers0:e")));
        assertThat(announce(base() + "/old").intervalSeconds()).isEqualTo(77);
        assertThat(rawQueries.getLast()).isEqualTo("passkey=p");

        routes.put("/loop", ex -> {
            ex.getResponseHeaders().add("Location", "/loop");
            reply(ex, 307, new byte[0]);
        });
        assertThatThrownBy(() -> announce(base() + "/loop")).isInstanceOf(TrackerException.class)
                .hasMessageContaining("redirected more than 5 times");
        routes.put("/ftp", ex -> {
            ex.getResponseHeaders().add("Location", "ftp://127.0.0.1/x");
            reply(ex, 301, new byte[0]);
        });
        assertThatThrownBy(() -> announce(base() + "/ftp")).hasMessageContaining("redirected to a non-HTTP URL");
    }

    @Test
    void failureReasonWithErrorStatusIsARefusal() {
        routes.put("/announce", ex -> reply(ex, 403, latin1("d14:failure reason12:unregisterede")));
        assertThatThrownBy(() -> announce(base() + "/announce")).isInstanceOfSatisfying(TrackerRejectedException.class,
                e -> assertThat(e.reason()).isEqualTo("unregistered"));
    }

    @Test
    void errorStatusAndHtmlAreClearErrors() {
        routes.put("/html", ex -> reply(ex, 200, latin1("<html>maintenance</html>")));
        assertThatThrownBy(() -> announce(base() + "/html")).isInstanceOf(TrackerException.class).hasMessageContaining("starts with '<'");
        assertThatThrownBy(() -> announce(base() + "/missing")).isInstanceOf(TrackerException.class).hasMessageContaining("HTTP 404");
    }

    @Test
    void oversizedBodiesAreCutOff() {
        byte[] big = new byte[3 << 20];
        routes.put("/declared", ex -> reply(ex, 200, big));
        assertThatThrownBy(() -> announce(base() + "/declared")).isInstanceOf(TrackerException.class)
                .hasMessageContaining("declares a 3145728-byte body");
        routes.put("/chunked", ex -> {
            try {
                ex.sendResponseHeaders(200, 0); // chunked: no length up front
                try (OutputStream o = ex.getResponseBody()) {
                    for (int i = 0; i < 48; i++) o.write(new byte[1 << 16]);
                }
            } catch (IOException e) {
                // client hung up once it had enough
            }
        });
        assertThatThrownBy(() -> announce(base() + "/chunked")).isInstanceOf(TrackerException.class)
                .hasMessageContaining("sent more than 2097152 bytes");
    }

    @Test
    void silentTrackerTimesOut() {
        routes.put("/slow", ex -> {
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThatThrownBy(() -> {
            try (HttpTrackerClient c = new HttpTrackerClient(base() + "/slow")) {
                c.announce(HttpAnnounceQueryTest.request(AnnounceEvent.NONE), Duration.ofMillis(300));
            }
        }).isInstanceOf(HttpTimeoutException.class).hasMessageContaining("did not answer within");
    }

    @Test
    void unreachableTrackerIsAnIoErrorNamingTheTracker() throws IOException {
        int closedPort;
        try (var s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        assertThatThrownBy(() -> announce("http://127.0.0.1:" + closedPort + "/announce")).isInstanceOf(IOException.class)
                .hasMessageContaining("could not be reached").hasMessageContaining(":" + closedPort);
    }

    @Test
    void factoryPicksClientsByScheme() {
        assertThat(TrackerClients.forUrl("http://a/announce")).isInstanceOf(HttpTrackerClient.class);
        assertThat(TrackerClients.forUrl("HTTPS://a/announce")).isInstanceOf(HttpTrackerClient.class);
        assertThat(TrackerClients.forUrl("udp://a:80")).isInstanceOf(UdpTrackerClient.class);
        assertThat(TrackerClients.supports("wss://a/")).isFalse();
        assertThatThrownBy(() -> TrackerClients.forUrl("wss://a/")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unsupported tracker URL scheme 'wss'");
        assertThatThrownBy(() -> TrackerClients.forUrl("udp://a")).hasMessageContaining("needs host and port");
    }
}
