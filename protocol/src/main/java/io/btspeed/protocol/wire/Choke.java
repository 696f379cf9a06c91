package io.btspeed.protocol.wire;

/** id 0: the sender will not serve requests. */
public record Choke() implements PeerMessage {}
