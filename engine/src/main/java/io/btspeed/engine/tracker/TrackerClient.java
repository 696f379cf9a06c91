package io.btspeed.engine.tracker;

import java.io.IOException;
import java.time.Duration;

/**
 * One tracker, reached over one transport. Implementations are safe to call from several threads, but
 * announces to the same tracker are serialised. The timeout bounds the whole call (connect, retries,
 * redirects, reading the body); when it runs out the call fails with an {@link IOException}.
 */
public interface TrackerClient extends AutoCloseable {
    /** The announce URL this client talks to. */
    String url();

    AnnounceResponse announce(AnnounceRequest request, Duration timeout) throws IOException, InterruptedException;

    /** Releases sockets; announcing afterwards fails. */
    @Override
    void close();
}
