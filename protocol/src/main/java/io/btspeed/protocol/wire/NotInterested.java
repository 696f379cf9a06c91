package io.btspeed.protocol.wire;

/** id 3. */
public record NotInterested() implements PeerMessage {}
