package io.btspeed.engine.tracker;

/**
 * A decoded HTTP announce body: the response proper plus the optional {@code tracker id} (BEP 3) that
 * must be echoed on later announces to the same tracker; null when the tracker sent none.
 */
public record HttpAnnounceReply(AnnounceResponse response, byte[] trackerId) {
    public HttpAnnounceReply {
        trackerId = trackerId == null ? null : trackerId.clone();
    }

    @Override
    public byte[] trackerId() {
        return trackerId == null ? null : trackerId.clone();
    }
}
