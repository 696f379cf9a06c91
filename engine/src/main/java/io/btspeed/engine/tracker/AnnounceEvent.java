package io.btspeed.engine.tracker;

/** The event field of an announce (BEP 3); the same four exist in UDP announces with other numbers (BEP 15). */
public enum AnnounceEvent {
    NONE(null, 0),
    STARTED("started", 2),
    COMPLETED("completed", 1),
    STOPPED("stopped", 3);

    private final String httpName;
    private final int udpCode;

    AnnounceEvent(String httpName, int udpCode) {
        this.httpName = httpName;
        this.udpCode = udpCode;
    }

    /** The value of the HTTP {@code event} parameter, or null when the parameter is left out (a regular announce). */
    public String httpName() {
        return httpName;
    }

    /** The 32-bit event code of a UDP announce: 0 none, 1 completed, 2 started, 3 stopped. */
    public int udpCode() {
        return udpCode;
    }
}
