package io.btspeed.tracker.udp;

import io.btspeed.tracker.TrackerRequestException;

/**
 * A malformed UDP tracker packet. When the packet got as far as a transaction id the client can be
 * told why in an error packet; otherwise ({@link #transactionId()} empty) the packet is dropped.
 */
public final class UdpRequestException extends TrackerRequestException {
    private final Integer transactionId;

    UdpRequestException(String message, Integer transactionId) {
        super(message);
        this.transactionId = transactionId;
    }

    public java.util.OptionalInt transactionId() {
        return transactionId == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(transactionId);
    }
}
