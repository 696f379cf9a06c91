package io.btspeed.protocol.wire;

/** id 15 (Fast): replaces an empty bitfield. */
public record HaveNone() implements PeerMessage {}
