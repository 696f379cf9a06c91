package io.btspeed.protocol.wire;

/** id 9: the sender's DHT port (BEP 5). */
public record Port(int port) implements PeerMessage {}
