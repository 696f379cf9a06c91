package io.btspeed.engine.tracker;

/**
 * The tracker understood us and refused: an HTTP {@code failure reason} or a UDP error action. The
 * tracker's text is in {@link #reason()} (control characters removed, length bounded), so it can be shown.
 */
public final class TrackerRejectedException extends TrackerException {
    private final String reason;

    public TrackerRejectedException(String url, String reason) {
        super("tracker " + url + " refused the announce: " + reason);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
