package io.btspeed.tracker;

/** The {@code event} of an announce (BEP 3); {@link #NONE} is the regular re-announce. */
public enum AnnounceEvent {
    NONE, STARTED, COMPLETED, STOPPED
}
