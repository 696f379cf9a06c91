package io.btspeed.protocol.metainfo;

import io.btspeed.protocol.bencode.BBytes;
import io.btspeed.protocol.bencode.BDict;
import io.btspeed.protocol.bencode.BInt;
import io.btspeed.protocol.bencode.BList;
import io.btspeed.protocol.bencode.BValue;
import io.btspeed.protocol.bencode.Bencode;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the bencoded v1 info dictionary of a new torrent: either one file ({@link #length}) or a
 * list of files ({@link #addFile}, optionally BEP 47 padding with {@link #addPadding}). The result is
 * checked by parsing it back with {@link Metainfo#fromInfoDict}, so a builder never produces a torrent
 * that this module itself would refuse (bad names, wrong piece count, ...).
 */
public final class InfoDictBuilder {
    private final String name;
    private final int pieceLength;
    private byte[] pieceHashes;
    private Long singleLength;
    private final List<BValue> files = new ArrayList<>();
    private boolean isPrivate;

    public InfoDictBuilder(String name, int pieceLength) {
        this.name = name;
        this.pieceLength = pieceLength;
    }

    /** Single-file torrent of {@code length} bytes named {@code name}. */
    public InfoDictBuilder length(long length) {
        if (!files.isEmpty()) throw new IllegalStateException("a torrent is single-file or multi-file, not both");
        singleLength = length;
        return this;
    }

    /** Appends a file of a multi-file torrent; {@code path} is below the torrent's folder. */
    public InfoDictBuilder addFile(List<String> path, long length) {
        if (singleLength != null) throw new IllegalStateException("a torrent is single-file or multi-file, not both");
        files.add(BDict.builder().put("length", new BInt(length)).put("path", strings(path)).build());
        return this;
    }

    /** Appends a BEP 47 padding file of {@code length} zero bytes (path {@code .pad/<length>}). */
    public InfoDictBuilder addPadding(long length) {
        if (singleLength != null) throw new IllegalStateException("padding only exists in multi-file torrents");
        files.add(BDict.builder().put("attr", "p").put("length", new BInt(length))
                .put("path", strings(List.of(".pad", Long.toString(length)))).build());
        return this;
    }

    /** The concatenated 20-byte SHA-1 hashes of all pieces. */
    public InfoDictBuilder pieceHashes(byte[] hashes) {
        this.pieceHashes = hashes.clone();
        return this;
    }

    public InfoDictBuilder privateFlag(boolean isPrivate) {
        this.isPrivate = isPrivate;
        return this;
    }

    /** The raw (canonical) info dictionary bytes; their SHA-1 is the info-hash. */
    public byte[] build() {
        if (pieceHashes == null) throw new IllegalStateException("piece hashes not set");
        if (singleLength == null && files.isEmpty()) throw new IllegalStateException("no length and no files");
        BDict.Builder b = BDict.builder();
        if (singleLength != null) b.put("length", new BInt(singleLength));
        else b.put("files", new BList(files));
        b.put("name", BBytes.of(name)).put("piece length", new BInt(pieceLength)).put("pieces", new BBytes(pieceHashes));
        if (isPrivate) b.put("private", new BInt(1));
        byte[] raw = Bencode.encode(b.build());
        Metainfo.fromInfoDict(raw, List.of()); // throws MetainfoException when the result is not a valid torrent
        return raw;
    }

    /** The parsed torrent with these tracker tiers. */
    public Metainfo toMetainfo(List<List<String>> announceTiers) {
        return Metainfo.fromInfoDict(build(), announceTiers);
    }

    private static BList strings(List<String> parts) {
        return new BList(parts.stream().<BValue>map(BBytes::of).toList());
    }
}
