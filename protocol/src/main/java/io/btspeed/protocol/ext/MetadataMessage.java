package io.btspeed.protocol.ext;

/** BEP 9 ut_metadata messages. */
public sealed interface MetadataMessage permits MetadataRequest, MetadataData, MetadataReject {
    /** Metadata travels in 16 KiB pieces. */
    int PIECE_SIZE = 16 * 1024;

    int piece();
}
