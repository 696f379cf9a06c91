package io.btspeed.protocol.wire;

/** id 2: the sender wants pieces the receiver has. */
public record Interested() implements PeerMessage {}
