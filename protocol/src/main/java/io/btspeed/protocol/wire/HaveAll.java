package io.btspeed.protocol.wire;

/** id 14 (Fast): replaces a full bitfield. */
public record HaveAll() implements PeerMessage {}
