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

    // records compare arrays by reference; messages are values, so compare content
    @Override
    public boolean equals(Object o) {
        return o instanceof MetadataData m && piece == m.piece && totalSize == m.totalSize
                && java.util.Arrays.equals(data, m.data);
    }

    @Override
    public int hashCode() {
        return (piece * 31 + totalSize) * 31 + java.util.Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "MetadataData[piece=" + piece + ", totalSize=" + totalSize + ", " + data.length + " bytes]";
    }
}
