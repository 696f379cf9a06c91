package io.btspeed.protocol.wire;

import java.nio.ByteBuffer;

/** id 7: a block of data. {@code data} is a view (position..limit); it is not copied. */
public record Piece(int piece, int begin, ByteBuffer data) implements PeerMessage {}
