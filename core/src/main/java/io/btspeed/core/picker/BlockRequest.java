package io.btspeed.core.picker;

/** One block to ask a peer for: BEP 3 Request(piece, begin, length). */
public record BlockRequest(int piece, int begin, int length) {}
