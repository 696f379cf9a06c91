package io.btspeed.protocol.wire;

/** id 13 (Fast): a piece the sender would like to serve. */
public record SuggestPiece(int piece) implements PeerMessage {}
