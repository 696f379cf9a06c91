package io.btspeed.protocol.wire;

/** id 1: the sender will serve requests. */
public record Unchoke() implements PeerMessage {}
