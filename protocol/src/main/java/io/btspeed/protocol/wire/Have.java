package io.btspeed.protocol.wire;

/** id 4: the sender now has this piece. */
public record Have(int piece) implements PeerMessage {}
