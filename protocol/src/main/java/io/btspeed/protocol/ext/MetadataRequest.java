package io.btspeed.protocol.ext;

/** msg_type 0: send me this piece of the info dictionary. */
public record MetadataRequest(int piece) implements MetadataMessage {}
