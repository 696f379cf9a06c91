package io.btspeed.protocol.wire;

/** Zero-length frame: keeps an idle connection open. */
public record KeepAlive() implements PeerMessage {}
