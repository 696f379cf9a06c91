package io.btspeed.protocol.metainfo;

import io.btspeed.protocol.ProtocolException;
import io.btspeed.protocol.bencode.BBytes;
import io.btspeed.protocol.bencode.BDict;
import io.btspeed.protocol.bencode.BInt;
import io.btspeed.protocol.bencode.BList;
import io.btspeed.protocol.bencode.BValue;
import io.btspeed.protocol.bencode.Bencode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A v1 torrent (BEP 3), single- or multi-file, with announce tiers (BEP 12), the private flag
 * (BEP 27) and padding files (BEP 47). The raw info bytes are kept: they are what is hashed, served
 * over ut_metadata and written back into a .torrent.
 */
public record Metainfo(InfoHash infoHash, String name, int pieceLength, byte[] pieceHashes, List<FileEntry> files,
                       long totalLength, boolean multiFile, boolean isPrivate, List<List<String>> announceTiers,
                       byte[] rawInfo, String comment, String createdBy, long creationDate) {

    /** Blocks are 16 KiB, so pieces are whole blocks; larger than this is no real torrent. */
    public static final int MIN_PIECE_LENGTH = 16 * 1024;
    public static final int MAX_PIECE_LENGTH = 512 * 1024 * 1024;
    public static final int MAX_PATH_DEPTH = 256;

    public Metainfo {
        files = List.copyOf(files);
        announceTiers = announceTiers.stream().map(List::copyOf).toList();
    }

    public int pieceCount() {
        return pieceHashes.length / 20;
    }

    public byte[] pieceHash(int index) {
        checkIndex(index);
        return Arrays.copyOfRange(pieceHashes, index * 20, index * 20 + 20);
    }

    /** True if {@code sha1} (20 bytes) is the expected hash of piece {@code index}; no copy. */
    public boolean pieceHashEquals(int index, byte[] sha1) {
        checkIndex(index);
        return Arrays.equals(pieceHashes, index * 20, index * 20 + 20, sha1, 0, 20);
    }

    public int pieceSize(int index) {
        checkIndex(index);
        if (index < pieceCount() - 1) return pieceLength;
        return (int) (totalLength - (long) pieceLength * (pieceCount() - 1));
    }

    private void checkIndex(int index) {
        if (index < 0 || index >= pieceCount()) {
            throw new IndexOutOfBoundsException("piece " + index + " of " + pieceCount());
        }
    }

    @Override
    public byte[] pieceHashes() {
        return pieceHashes.clone();
    }

    @Override
    public byte[] rawInfo() {
        return rawInfo.clone();
    }

    /**
     * Parses a .torrent file. Dictionary keys out of order are accepted (duplicates are not): some
     * tools write them so, other clients load such files, and nothing is lost because the info-hash
     * is taken over the raw info bytes exactly as they are in the file.
     */
    public static Metainfo parse(byte[] torrentFile) {
        BValue top;
        try {
            top = Bencode.decodeLenient(torrentFile);
        } catch (ProtocolException e) {
            throw new MetainfoException("not valid bencode: " + e.getMessage(), e);
        }
        if (!(top instanceof BDict d)) throw new MetainfoException("a torrent file is a dictionary");
        if (!(d.get("info") instanceof BDict)) throw new MetainfoException("no 'info' dictionary");
        int[] span = Bencode.rawValueSpanLenient(torrentFile, "info");
        byte[] raw = Arrays.copyOfRange(torrentFile, span[0], span[1]);
        List<List<String>> tiers = tiers(d);
        String comment = optText(d, "comment");
        String createdBy = optText(d, "created by");
        long date = d.get("creation date") instanceof BInt(long v) ? v : 0;
        return fromInfo(raw, tiers, comment, createdBy, date);
    }

    /** Builds a torrent from raw info bytes, e.g. after fetching them with ut_metadata. */
    public static Metainfo fromInfoDict(byte[] rawInfo, List<List<String>> announceTiers) {
        return fromInfo(rawInfo, announceTiers, null, null, 0);
    }

    private static Metainfo fromInfo(byte[] raw, List<List<String>> tiers, String comment, String createdBy, long date) {
        BValue v;
        try {
            v = Bencode.decodeLenient(raw);
        } catch (ProtocolException e) {
            throw new MetainfoException("info dictionary is not valid bencode: " + e.getMessage(), e);
        }
        if (!(v instanceof BDict info)) throw new MetainfoException("'info' is not a dictionary");
        String name = text(info, "name");
        PathRules.component(name, "name");
        long pl = integer(info, "piece length");
        if (pl < MIN_PIECE_LENGTH || pl > MAX_PIECE_LENGTH || Long.bitCount(pl) != 1) {
            throw new MetainfoException("piece length " + pl + " is not a power of two between 16 KiB and 512 MiB");
        }
        if (!info.has("pieces") && info.get("meta version") instanceof BInt(long mv) && mv == 2) {
            throw new MetainfoException("v2-only torrent (no v1 'pieces'): not supported, only v1 and hybrid torrents are");
        }
        if (!(info.get("pieces") instanceof BBytes pb)) throw new MetainfoException("'pieces' missing or not a string");
        byte[] pieces = pb.bytes();
        if (pieces.length == 0 || pieces.length % 20 != 0) {
            throw new MetainfoException("'pieces' length " + pieces.length + " is not a positive multiple of 20");
        }
        boolean priv = info.get("private") instanceof BInt(long p) && p == 1;
        List<FileEntry> files = new ArrayList<>();
        long total = 0;
        boolean multi;
        if (info.has("files")) {
            if (info.has("length")) throw new MetainfoException("info has both 'length' and 'files'");
            multi = true;
            if (!(info.get("files") instanceof BList fl) || fl.items().isEmpty()) {
                throw new MetainfoException("'files' must be a non-empty list");
            }
            java.util.Set<String> seen = new java.util.HashSet<>();
            java.util.Set<String> dirs = new java.util.HashSet<>();
            for (BValue fv : fl.items()) {
                if (!(fv instanceof BDict f)) throw new MetainfoException("an entry of 'files' is not a dictionary");
                long len = integer(f, "length");
                if (len < 0) throw new MetainfoException("negative file length " + len);
                List<String> path = path(f);
                // BEP 47: attr 'p' marks a padding file (zeros between files so each starts at a piece boundary)
                boolean pad = f.get("attr") instanceof BBytes a && a.asString().indexOf('p') >= 0;
                if (!pad) {
                    String joined = String.join("/", path);
                    if (!seen.add(joined)) throw new MetainfoException("file listed twice: " + joined);
                    // "a" as a file and "a/b" as another: one of them cannot be created on disk
                    if (dirs.contains(joined)) throw new MetainfoException("'" + joined + "' is both a file and a folder");
                    for (int i = 1; i < path.size(); i++) {
                        String dir = String.join("/", path.subList(0, i));
                        if (seen.contains(dir)) throw new MetainfoException("'" + dir + "' is both a file and a folder");
                        dirs.add(dir);
                    }
                }
                files.add(new FileEntry(path, len, total, pad));
                try {
                    total = Math.addExact(total, len);
                } catch (ArithmeticException e) {
                    throw new MetainfoException("total length overflows");
                }
            }
        } else {
            multi = false;
            long len = integer(info, "length");
            if (len < 0) throw new MetainfoException("negative length " + len);
            files.add(new FileEntry(List.of(name), len, 0, false));
            total = len;
        }
        if (total <= 0) throw new MetainfoException("the torrent holds no data");
        long expected = (total + pl - 1) / pl;
        if (expected != pieces.length / 20) {
            throw new MetainfoException("'pieces' has " + pieces.length / 20 + " hashes but " + total + " bytes need " + expected);
        }
        return new Metainfo(InfoHash.of(raw), name, (int) pl, pieces, files, total, multi, priv, tiers, raw.clone(),
                comment, createdBy, date);
    }

    /** Prefers the UTF-8 variant (path.utf-8) some creators add next to the legacy field. */
    private static List<String> path(BDict f) {
        BValue pv = f.get("path.utf-8") instanceof BList ? f.get("path.utf-8") : f.get("path");
        if (!(pv instanceof BList pl) || pl.items().isEmpty()) throw new MetainfoException("file 'path' must be a non-empty list");
        // deeper than any file system allows; also keeps the folder/file collision check linear
        if (pl.items().size() > MAX_PATH_DEPTH) throw new MetainfoException("file path deeper than " + MAX_PATH_DEPTH + " folders");
        List<String> out = new ArrayList<>();
        for (BValue c : pl.items()) {
            if (!(c instanceof BBytes b)) throw new MetainfoException("a path component is not a string");
            String s = b.asString();
            PathRules.component(s, "path");
            out.add(s);
        }
        return out;
    }

    private static String text(BDict d, String key) {
        BValue v = d.get(key + ".utf-8") instanceof BBytes ? d.get(key + ".utf-8") : d.get(key);
        if (!(v instanceof BBytes b)) throw new MetainfoException("'" + key + "' missing or not a string");
        return b.asString();
    }

    private static String optText(BDict d, String key) {
        BValue v = d.get(key + ".utf-8") instanceof BBytes ? d.get(key + ".utf-8") : d.get(key);
        return v instanceof BBytes b ? b.asString() : null;
    }

    private static long integer(BDict d, String key) {
        if (!(d.get(key) instanceof BInt(long v))) throw new MetainfoException("'" + key + "' missing or not an integer");
        return v;
    }

    /** announce-list when present (BEP 12), else announce. Bad entries are skipped, not fatal. */
    private static List<List<String>> tiers(BDict d) {
        List<List<String>> tiers = new ArrayList<>();
        if (d.get("announce-list") instanceof BList al) {
            for (BValue t : al.items()) {
                if (!(t instanceof BList tl)) continue;
                List<String> tier = new ArrayList<>();
                for (BValue u : tl.items()) {
                    if (u instanceof BBytes b && !b.asString().isBlank()) tier.add(b.asString().trim());
                }
                if (!tier.isEmpty()) tiers.add(tier);
            }
        }
        if (tiers.isEmpty() && d.get("announce") instanceof BBytes a && !a.asString().isBlank()) {
            tiers.add(List.of(a.asString().trim()));
        }
        return tiers;
    }

    /** A .torrent holding the same raw info bytes (so the same info-hash) and these trackers. */
    public byte[] toTorrentFile() {
        BDict.Builder b = BDict.builder();
        if (!announceTiers.isEmpty()) {
            b.put("announce", BBytes.of(announceTiers.get(0).get(0)));
            List<BValue> tl = new ArrayList<>();
            for (List<String> t : announceTiers) tl.add(new BList(t.stream().<BValue>map(BBytes::of).toList()));
            b.put("announce-list", new BList(tl));
        }
        if (comment != null) b.put("comment", BBytes.of(comment));
        if (createdBy != null) b.put("created by", BBytes.of(createdBy));
        if (creationDate > 0) b.put("creation date", new BInt(creationDate));
        // encode everything but "info" canonically, then splice the raw info bytes in at its sorted place
        byte[] placeholder = "0:".getBytes(StandardCharsets.US_ASCII);
        b.put("info", new BBytes(new byte[0]));
        byte[] enc = Bencode.encode(b.build());
        int[] span = Bencode.rawValueSpan(enc, "info");
        if (span[1] - span[0] != placeholder.length) throw new IllegalStateException("unexpected placeholder");
        ByteArrayOutputStream out = new ByteArrayOutputStream(enc.length + rawInfo.length);
        out.write(enc, 0, span[0]);
        out.writeBytes(rawInfo);
        out.write(enc, span[1], enc.length - span[1]);
        return out.toByteArray();
    }

    /** Equal when built from the same raw info bytes with the same trackers and descriptive fields. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Metainfo m && infoHash.equals(m.infoHash) && Arrays.equals(rawInfo, m.rawInfo)
                && announceTiers.equals(m.announceTiers) && java.util.Objects.equals(comment, m.comment)
                && java.util.Objects.equals(createdBy, m.createdBy) && creationDate == m.creationDate;
    }

    @Override
    public int hashCode() {
        return infoHash.hashCode() * 31 + announceTiers.hashCode();
    }

    @Override
    public String toString() {
        return "Metainfo[" + name + ", " + infoHash.hex() + ", " + totalLength + " bytes, " + pieceCount() + " pieces]";
    }
}
