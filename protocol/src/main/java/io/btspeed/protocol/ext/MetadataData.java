package io.btspeed.protocol.ext;

/** msg_type 1: a piece of the info dictionary, {@code totalSize} being the size of the whole. */
public record MetadataData(int piece, int totalSize, byte[] data) implements MetadataMessage {
    public MetadataData {
        data = data.clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }
}
