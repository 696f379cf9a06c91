package io.btspeed.protocol.wire;

/** id 16 (Fast): the sender will not serve this request. */
public record RejectRequest(int piece, int begin, int length) implements PeerMessage {}
