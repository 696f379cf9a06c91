package io.btspeed.protocol.ext;

import io.btspeed.protocol.metainfo.InfoHash;
import java.util.Arrays;
import java.util.BitSet;

/**
 * Collects the 16 KiB pieces of an info dictionary fetched with ut_metadata and hands back the raw
 * bytes once they hash to the expected info-hash. A peer that lies about the size or the content
 * only wastes its own pieces: on a mismatch everything is dropped and fetched again.
 */
public final class MetadataAssembler {
    private final InfoHash infoHash;
    private byte[] data;
    private BitSet have;
    private int pieces;

    public MetadataAssembler(InfoHash infoHash) {
        this.infoHash = infoHash;
    }

    /** Fixes the size (from the first peer that tells it); false if it is unusable or differs. */
    public boolean setSize(long size) {
        if (size <= 0 || size > ExtendedHandshake.MAX_METADATA_SIZE) return false;
        if (data != null) return data.length == size;
        data = new byte[(int) size];
        pieces = (int) ((size + MetadataMessage.PIECE_SIZE - 1) / MetadataMessage.PIECE_SIZE);
        have = new BitSet(pieces);
        return true;
    }

    public boolean hasSize() {
        return data != null;
    }

    public int pieceCount() {
        return pieces;
    }

    /** The lowest piece not yet received, or -1. */
    public int nextMissing() {
        if (data == null) return -1;
        int i = have.nextClearBit(0);
        return i < pieces ? i : -1;
    }

    public enum Result { ACCEPTED, IGNORED, COMPLETE, HASH_MISMATCH }

    public Result add(MetadataData d) {
        if (data == null && !setSize(d.totalSize())) return Result.IGNORED;
        if (d.totalSize() != data.length || d.piece() < 0 || d.piece() >= pieces || have.get(d.piece())) return Result.IGNORED;
        int start = d.piece() * MetadataMessage.PIECE_SIZE;
        byte[] bytes = d.data();
        if (bytes.length != Math.min(MetadataMessage.PIECE_SIZE, data.length - start)) return Result.IGNORED;
        System.arraycopy(bytes, 0, data, start, bytes.length);
        have.set(d.piece());
        if (have.cardinality() < pieces) return Result.ACCEPTED;
        if (InfoHash.of(data).equals(infoHash)) return Result.COMPLETE;
        have.clear();
        return Result.HASH_MISMATCH;
    }

    /** The verified raw info dictionary, once {@link #add} returned COMPLETE. */
    public byte[] result() {
        if (data == null || have.cardinality() < pieces) throw new IllegalStateException("metadata incomplete");
        return Arrays.copyOf(data, data.length);
    }
}
