package io.btspeed.tracker;

import io.btspeed.tracker.http.HttpTracker;
import io.btspeed.tracker.udp.UdpTracker;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A running tracker: one registry behind an HTTP and/or a UDP front end, and a timer that expires
 * silent peers. Start with {@link #start}; close to stop everything it started.
 */
public final class TrackerServer implements AutoCloseable {
    /** Pass as a port to leave that front end off. */
    public static final int DISABLED = -1;

    private final SwarmRegistry registry;
    private final TrackerCounters counters;
    private final HttpTracker http;
    private final UdpTracker udp;
    private final ScheduledExecutorService timer;

    private TrackerServer(SwarmRegistry registry, TrackerCounters counters, HttpTracker http, UdpTracker udp,
                          ScheduledExecutorService timer) {
        this.registry = registry;
        this.counters = counters;
        this.http = http;
        this.udp = udp;
        this.timer = timer;
    }

    /**
     * @param bind     address to listen on (null = all interfaces)
     * @param httpPort TCP port for HTTP (0 = any free port, {@link #DISABLED} = none)
     * @param udpPort  UDP port for BEP 15 (0 = any free port, {@link #DISABLED} = none)
     */
    public static TrackerServer start(TrackerConfig config, InetAddress bind, int httpPort, int udpPort) throws IOException {
        if (httpPort == DISABLED && udpPort == DISABLED) throw new IllegalArgumentException("enable HTTP, UDP or both");
        long origin = System.nanoTime();
        LongSupplier clock = () -> (System.nanoTime() - origin) / 1_000_000; // monotonic: wall-clock jumps must not expire peers
        SwarmRegistry registry = new SwarmRegistry(config, new Random());
        TrackerCounters counters = new TrackerCounters();
        HttpTracker http = null;
        UdpTracker udp = null;
        try {
            if (httpPort != DISABLED) http = HttpTracker.start(new InetSocketAddress(bind, httpPort), registry, counters, clock);
            if (udpPort != DISABLED) udp = UdpTracker.start(new InetSocketAddress(bind, udpPort), registry, counters, clock);
        } catch (IOException | RuntimeException e) {
            if (http != null) http.close();
            throw e;
        }
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform()
                .name("tracker-expiry").daemon().unstarted(r));
        long sweep = Math.max(1, Math.min(60, config.interval().toSeconds() / 2));
        timer.scheduleWithFixedDelay(() -> registry.expire(clock.getAsLong()), sweep, sweep, TimeUnit.SECONDS);
        return new TrackerServer(registry, counters, http, udp, timer);
    }

    /** The HTTP port, or {@link #DISABLED}. */
    public int httpPort() {
        return http == null ? DISABLED : http.port();
    }

    /** The UDP port, or {@link #DISABLED}. */
    public int udpPort() {
        return udp == null ? DISABLED : udp.port();
    }

    public SwarmRegistry registry() {
        return registry;
    }

    public TrackerCounters counters() {
        return counters;
    }

    @Override
    public void close() throws InterruptedException {
        timer.shutdownNow();
        if (http != null) http.close();
        if (udp != null) udp.close();
    }
}
