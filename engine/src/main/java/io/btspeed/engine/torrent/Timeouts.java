package io.btspeed.engine.torrent;

import java.time.Duration;

/**
 * Peer timeouts. The defaults follow common client practice; tests shorten them to observe
 * timeout handling without waiting for it.
 *
 * @param request a peer that owes us blocks and sends none for this long is snubbed: its requests are cancelled and re-issued elsewhere
 * @param idle    a connection with nothing received for this long is closed
 * @param chokeInterval time between choke rounds (and so auction rounds of a market policy)
 */
public record Timeouts(Duration request, Duration idle, Duration chokeInterval) {
    public static final Timeouts DEFAULT = new Timeouts(Duration.ofSeconds(20), Duration.ofSeconds(150), Duration.ofSeconds(10));

    public Timeouts(Duration request, Duration idle) {
        this(request, idle, DEFAULT.chokeInterval());
    }

    public Timeouts {
        if (request.isNegative() || request.isZero() || idle.isNegative() || idle.isZero()
                || chokeInterval.isNegative() || chokeInterval.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
    }

    public Timeouts withChokeInterval(Duration d) {
        return new Timeouts(request, idle, d);
    }
}
