package io.btspeed.protocol.wire;

/** id 6: please send {@code length} bytes of {@code piece} from {@code begin}. */
public record Request(int piece, int begin, int length) implements PeerMessage {}
