package io.btspeed.engine.tracker;

import java.net.InetAddress;
import java.util.Locale;

/** Picks the client for an announce URL by its scheme. */
public final class TrackerClients {
    private TrackerClients() {}

    /** True when {@link #forUrl} can make a client for this URL (http, https or udp). */
    public static boolean supports(String url) {
        String s = HttpTrackerClient.scheme(url);
        return s.equals("http") || s.equals("https") || s.equals("udp");
    }

    /**
     * A client for the announce URL. Nothing is resolved or connected yet, so this is cheap and never
     * blocks; the first announce does that.
     *
     * @throws IllegalArgumentException for other schemes (e.g. wss) or a URL that cannot be parsed
     */
    public static TrackerClient forUrl(String url) {
        return forUrl(url, null);
    }

    /**
     * As {@link #forUrl(String)}, sending from {@code localAddress} (the session's {@code --bind} address)
     * so announces leave from the same address peers know us by; null or a wildcard address means any.
     */
    public static TrackerClient forUrl(String url, InetAddress localAddress) {
        InetAddress local = localAddress == null || localAddress.isAnyLocalAddress() ? null : localAddress;
        String scheme = HttpTrackerClient.scheme(url.strip());
        return switch (scheme.toLowerCase(Locale.ROOT)) {
            case "http", "https" -> local == null ? new HttpTrackerClient(url.strip())
                    : new HttpTrackerClient(url.strip(), HttpTrackerClient.boundClient(local), HttpTrackerClient.Config.DEFAULT);
            case "udp" -> new UdpTrackerClient(url.strip(), UdpTrackerClient.Config.DEFAULT, System::nanoTime,
                    new java.security.SecureRandom(), local);
            default -> throw new IllegalArgumentException("unsupported tracker URL scheme '" + scheme + "' in " + url);
        };
    }
}
