package io.btspeed.engine.tracker;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.InetAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Announces to an HTTP(S) tracker (BEP 3, compact peers per BEP 23, {@code peers6} per BEP 7). Redirects
 * are followed by hand so that their number is bounded and only http/https targets are accepted; the
 * body is capped in size; one deadline covers connecting, every redirect and reading the body.
 */
public final class HttpTrackerClient implements TrackerClient {
    /** Limits for one announce. */
    public record Config(int maxRedirects, int maxBodyBytes, String userAgent) {
        public static final Config DEFAULT = new Config(5, 2 << 20, "btspeed/0.1");

        public Config {
            if (maxRedirects < 0 || maxBodyBytes < 64) throw new IllegalArgumentException("bad HTTP tracker limits");
        }
    }

    /**
     * One JDK client for all trackers: each HttpClient owns a selector thread and a connection pool, so a
     * client per tracker would multiply both. HTTP/1.1 only, since trackers rarely speak HTTP/2 and the
     * h2c upgrade header confuses some of them.
     */
    private static final class Shared {
        static final HttpClient HTTP = builder().build();
    }

    private static HttpClient.Builder builder() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(15))
                .executor(Executors.newVirtualThreadPerTaskExecutor());
    }

    private static final java.util.Map<InetAddress, HttpClient> BOUND = new java.util.concurrent.ConcurrentHashMap<>();

    /** One shared client per local address, for sessions bound to a specific address ({@code --bind}). */
    static HttpClient boundClient(InetAddress local) {
        return BOUND.computeIfAbsent(local, a -> builder().localAddress(a).build());
    }

    private final String url;
    private final HttpClient http;
    private final Config config;
    private final ReentrantLock lock = new ReentrantLock();
    private byte[] trackerId;
    private volatile boolean closed;

    public HttpTrackerClient(String url, HttpClient http, Config config) {
        this.url = url;
        this.http = http;
        this.config = config;
        String scheme = scheme(url);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("not an HTTP tracker URL: " + url);
        }
    }

    public HttpTrackerClient(String url) {
        this(url, Shared.HTTP, Config.DEFAULT);
    }

    static String scheme(String url) {
        int colon = url.indexOf(':');
        return colon <= 0 ? "" : url.substring(0, colon).toLowerCase(Locale.ROOT);
    }

    @Override
    public String url() {
        return url;
    }

    @Override
    public AnnounceResponse announce(AnnounceRequest request, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lockInterruptibly();
        try {
            if (closed) throw new IOException("tracker client for " + url + " is closed");
            URI target = toUri(HttpAnnounceQuery.build(url, request, trackerId));
            for (int hop = 0; ; hop++) {
                HttpResponse<byte[]> resp = get(target, deadline, timeout);
                int status = resp.statusCode();
                if (status == 301 || status == 302 || status == 303 || status == 307 || status == 308) {
                    if (hop >= config.maxRedirects()) {
                        throw new TrackerException("tracker " + url + " redirected more than " + config.maxRedirects() + " times");
                    }
                    target = redirectTarget(target, resp);
                    continue;
                }
                if (status != 200) {
                    // Some trackers explain a refusal with a bencoded failure reason and a 4xx status.
                    try {
                        HttpAnnounceParser.parse(resp.body(), url);
                    } catch (TrackerRejectedException refused) {
                        throw refused;
                    } catch (TrackerException notBencode) {
                        // fall through to the status error
                    }
                    throw new TrackerException("tracker " + url + " answered HTTP " + status);
                }
                HttpAnnounceReply reply = HttpAnnounceParser.parse(resp.body(), url);
                if (reply.trackerId() != null) trackerId = reply.trackerId();
                return reply.response();
            }
        } finally {
            lock.unlock();
        }
    }

    private HttpResponse<byte[]> get(URI target, long deadline, Duration timeout) throws IOException, InterruptedException {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) throw new HttpTimeoutException("tracker " + url + " did not answer within " + timeout);
        HttpRequest req = HttpRequest.newBuilder(target)
                .timeout(Duration.ofNanos(remaining))
                .header("User-Agent", config.userAgent())
                .GET()
                .build();
        CompletableFuture<HttpResponse<byte[]>> f = http.sendAsync(req, CappedBodySubscriber.handler(config.maxBodyBytes(), url));
        try {
            return f.get(remaining, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new HttpTimeoutException("tracker " + url + " did not answer within " + timeout);
        } catch (InterruptedException e) {
            f.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof TrackerException te) throw te;
            if (c instanceof HttpTimeoutException) {
                // the request's own timer fired before ours: same deadline, same message
                throw new HttpTimeoutException("tracker " + url + " did not answer within " + timeout);
            }
            String why = c.getMessage() == null ? c.getClass().getSimpleName() : c.getClass().getSimpleName() + ": " + c.getMessage();
            throw new IOException("tracker " + url + " could not be reached: " + why, c);
        }
    }

    private URI redirectTarget(URI from, HttpResponse<?> resp) throws TrackerException {
        String location = resp.headers().firstValue("location")
                .orElseThrow(() -> new TrackerException("tracker " + url + " redirected without a Location header"));
        URI next;
        try {
            next = from.resolve(new URI(location.strip()));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new TrackerException("tracker " + url + " redirected to an invalid URL: " + TrackerText.clean(location.getBytes()));
        }
        String s = next.getScheme() == null ? "" : next.getScheme().toLowerCase(Locale.ROOT);
        if (!s.equals("http") && !s.equals("https")) {
            throw new TrackerException("tracker " + url + " redirected to a non-HTTP URL: " + TrackerText.clean(location.getBytes()));
        }
        return next;
    }

    private URI toUri(String s) throws TrackerException {
        try {
            URI u = new URI(s);
            if (u.getHost() == null) throw new TrackerException("tracker URL " + url + " has no host");
            return u;
        } catch (URISyntaxException e) {
            throw new TrackerException("tracker URL " + url + " is not a valid URI: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        closed = true;
    }
}
