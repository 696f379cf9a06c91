package io.btspeed.protocol.bencode;

/** A bencoded integer ({@code i42e}); 64 bits are enough for every length in BitTorrent. */
public record BInt(long value) implements BValue {}
