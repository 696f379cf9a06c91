package io.btspeed.engine.tracker;

import java.io.IOException;

/**
 * A tracker answered, but not with a usable announce response: malformed bytes, an HTTP error status,
 * too many redirects, an oversized body. It is an {@link IOException} so callers that only care whether
 * the announce worked can treat all failures alike.
 */
public class TrackerException extends IOException {
    public TrackerException(String message) {
        super(message);
    }

    public TrackerException(String message, Throwable cause) {
        super(message, cause);
    }
}
