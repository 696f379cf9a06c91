package io.btspeed.protocol.wire;

/** id 17 (Fast): a piece the receiver may request even while choked. */
public record AllowedFast(int piece) implements PeerMessage {}
