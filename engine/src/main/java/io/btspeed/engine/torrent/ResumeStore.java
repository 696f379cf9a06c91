package io.btspeed.engine.torrent;

import io.btspeed.protocol.ProtocolException;
import io.btspeed.protocol.bencode.BBytes;
import io.btspeed.protocol.bencode.BDict;
import io.btspeed.protocol.bencode.BInt;
import io.btspeed.protocol.bencode.BList;
import io.btspeed.protocol.bencode.BValue;
import io.btspeed.protocol.bencode.Bencode;
import io.btspeed.protocol.metainfo.Metainfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Fast-resume state in {@code <stateDir>/<infohash>.resume}: which pieces were verified and each
 * file's size and modification time when the session last stopped cleanly. It is marked dirty
 * while a torrent runs, so a crash (or files touched meanwhile) leads to a full recheck instead of
 * trusting stale state.
 */
public final class ResumeStore {
    private static final Logger log = LoggerFactory.getLogger(ResumeStore.class);
    private final Path dir;

    public ResumeStore(Path dir) {
        this.dir = dir;
    }

    private Path file(Metainfo m) {
        return dir.resolve(m.infoHash().hex() + ".resume");
    }

    /**
     * What the resume file lets us skip. {@code trusted}: a clean stop and unchanged files, so
     * {@code pieces} is the whole truth and nothing is hashed. Otherwise {@code pieces} are those
     * recorded while running (each fsynced before it was recorded): only the rest are uncertain
     * and get hashed. Files changed after a clean stop make everything uncertain.
     */
    record Loaded(BitSet pieces, boolean trusted) {
        static final Loaded NOTHING = new Loaded(new BitSet(), false);
    }

    Loaded load(Metainfo m, PieceStore store) {
        Path f = file(m);
        if (!Files.exists(f)) return Loaded.NOTHING;
        try {
            BDict d = (BDict) Bencode.decode(Files.readAllBytes(f));
            BitSet have = pieces(d, m);
            if (have == null) return Loaded.NOTHING;
            if (d.integer("clean") != 1) return new Loaded(have, false);
            List<BValue> stamps = d.list("files").items();
            long[][] now = store.fileStamps();
            if (stamps.size() != now.length) return Loaded.NOTHING;
            for (int i = 0; i < now.length; i++) {
                List<BValue> s = ((BList) stamps.get(i)).items();
                if (((BInt) s.get(0)).value() != now[i][0] || ((BInt) s.get(1)).value() != now[i][1]) return Loaded.NOTHING;
            }
            return new Loaded(have, true);
        } catch (IOException | ProtocolException | ClassCastException | IndexOutOfBoundsException | NullPointerException e) {
            log.info("ignoring unreadable resume file {}: {}", f, e.getMessage());
            return Loaded.NOTHING;
        }
    }

    private static BitSet pieces(BDict d, Metainfo m) {
        byte[] bits = d.bytes("pieces");
        if (bits.length != (m.pieceCount() + 7) / 8) return null;
        BitSet have = new BitSet(m.pieceCount());
        for (int i = 0; i < m.pieceCount(); i++) if ((bits[i >>> 3] & (0x80 >>> (i & 7))) != 0) have.set(i);
        return have;
    }

    /**
     * Records the running state: the files may change from now on, and {@code have} lists pieces
     * that are verified and already forced to disk (the caller fsyncs first).
     */
    void saveDirty(Metainfo m, BitSet have) throws IOException {
        write(m, BDict.builder()
                .put("clean", new BInt(0))
                .put("pieces", new BBytes(PeerWire.toWire(have, m.pieceCount())))
                .build());
    }

    void saveClean(Metainfo m, PieceStore store, BitSet have) throws IOException {
        List<BValue> stamps = new ArrayList<>();
        for (long[] s : store.fileStamps()) stamps.add(new BList(List.of(new BInt(s[0]), new BInt(s[1]))));
        write(m, BDict.builder()
                .put("clean", new BInt(1))
                .put("files", new BList(stamps))
                .put("pieces", new BBytes(PeerWire.toWire(have, m.pieceCount())))
                .build());
    }

    private void write(Metainfo m, BDict d) throws IOException {
        Files.createDirectories(dir);
        Path f = file(m);
        Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
        Files.write(tmp, Bencode.encode(d));
        Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
