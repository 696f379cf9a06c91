package io.btspeed.dht;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How a {@link DhtNode} runs.
 *
 * @param bindAddresses   addresses to bind, one UDP socket each, all on {@code port}; empty = the
 *                        wildcard address with one dual-stack socket (IPv4 and, when the machine
 *                        has it, IPv6)
 * @param port            UDP port (0 = any free one; every socket then shares the first one's port)
 * @param stateFile       where the node id and good nodes are kept across restarts; null = nowhere
 * @param bootstrap       nodes to join through (IP literals; names are resolved by the caller)
 * @param queryTimeout    how long a query waits for its answer
 * @param ratePerSecond   packets per second accepted from one source IP (beyond the burst)
 * @param rateBurst       packets one source IP may send at once before the rate applies
 */
public record DhtConfig(List<InetAddress> bindAddresses, int port, Path stateFile, List<InetSocketAddress> bootstrap,
                        Duration queryTimeout, double ratePerSecond, int rateBurst) {
    public DhtConfig {
        bindAddresses = List.copyOf(bindAddresses);
        bootstrap = List.copyOf(bootstrap);
        Objects.requireNonNull(queryTimeout);
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port out of range: " + port);
        if (queryTimeout.isNegative() || queryTimeout.isZero()) throw new IllegalArgumentException("query timeout must be positive");
        if (ratePerSecond <= 0 || rateBurst < 1) throw new IllegalArgumentException("rate limits must be positive");
    }

    /** All interfaces, port 6881, no state file, no bootstrap nodes. */
    public static DhtConfig defaults() {
        return new DhtConfig(List.of(), 6881, null, List.of(), Duration.ofSeconds(3), 20, 60);
    }

    /** 127.0.0.1 on any free port: for tests and demos, which must never reach the internet. */
    public static DhtConfig loopback() {
        return defaults().withBindAddresses(List.of(InetAddress.getLoopbackAddress())).withPort(0)
                .withQueryTimeout(Duration.ofSeconds(1));
    }

    public DhtConfig withBindAddresses(List<InetAddress> a) {
        return new DhtConfig(a, port, stateFile, bootstrap, queryTimeout, ratePerSecond, rateBurst);
    }

    public DhtConfig withPort(int p) {
        return new DhtConfig(bindAddresses, p, stateFile, bootstrap, queryTimeout, ratePerSecond, rateBurst);
    }

    public DhtConfig withStateFile(Path f) {
        return new DhtConfig(bindAddresses, port, f, bootstrap, queryTimeout, ratePerSecond, rateBurst);
    }

    public DhtConfig withBootstrap(List<InetSocketAddress> b) {
        return new DhtConfig(bindAddresses, port, stateFile, b, queryTimeout, ratePerSecond, rateBurst);
    }

    public DhtConfig withQueryTimeout(Duration t) {
        return new DhtConfig(bindAddresses, port, stateFile, bootstrap, t, ratePerSecond, rateBurst);
    }

    public DhtConfig withRateLimit(double perSecond, int burst) {
        return new DhtConfig(bindAddresses, port, stateFile, bootstrap, queryTimeout, perSecond, burst);
    }
}
