package io.btspeed.protocol.wire;

/** id 8: withdraw an earlier request. */
public record Cancel(int piece, int begin, int length) implements PeerMessage {}
