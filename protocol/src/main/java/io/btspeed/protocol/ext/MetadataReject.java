package io.btspeed.protocol.ext;

/** msg_type 2: I will not send that piece. */
public record MetadataReject(int piece) implements MetadataMessage {}
