package io.btspeed.engine.torrent;

import io.btspeed.engine.AddTorrentParams;
import io.btspeed.engine.Session;
import io.btspeed.engine.SessionConfig;
import io.btspeed.engine.TorrentHandle;
import io.btspeed.engine.TorrentState;
import io.btspeed.protocol.bencode.BBytes;
import io.btspeed.protocol.bencode.BDict;
import io.btspeed.protocol.bencode.BInt;
import io.btspeed.protocol.bencode.Bencode;
import io.btspeed.protocol.metainfo.Metainfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * After a crash the resume file is still "dirty": the pieces it records were fsynced before being
 * recorded and are trusted; only the others are hashed. A flipped byte in a recorded piece therefore
 * goes unnoticed, one in an unrecorded piece is found.
 */
class DirtyResumeTest {
    @TempDir
    Path tmp;

    @Test
    @Timeout(30)
    void dirtyStartHashesOnlyUnrecordedPieces() throws Exception {
        int pieceLength = 16 * 1024, pieces = 20;
        byte[] data = new byte[pieceLength * pieces];
        new Random(9).nextBytes(data);
        Path dir = tmp.resolve("d"), state = tmp.resolve("state");
        Files.createDirectories(dir);
        Files.write(dir.resolve("f.bin"), data);
        MessageDigest md = MessageDigest.getInstance("SHA-1");
        byte[] hashes = new byte[pieces * 20];
        for (int i = 0; i < pieces; i++) {
            md.update(data, i * pieceLength, pieceLength);
            System.arraycopy(md.digest(), 0, hashes, i * 20, 20);
        }
        Metainfo m = Metainfo.fromInfoDict(Bencode.encode(BDict.builder()
                .put("length", new BInt(data.length)).put("name", BBytes.of("f.bin"))
                .put("piece length", new BInt(pieceLength)).put("pieces", new BBytes(hashes)).build()), List.of());

        BitSet recorded = new BitSet();
        recorded.set(0, 10);
        new ResumeStore(state).saveDirty(m, recorded);
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("f.bin").toFile(), "rw")) {
            for (int piece : new int[]{3, 15}) {
                f.seek((long) piece * pieceLength + 5);
                f.write(0x5a ^ data[piece * pieceLength + 5]);
            }
        }
        try (Session s = Session.start(SessionConfig.defaults().withStateDir(state))) {
            TorrentHandle t = s.add(AddTorrentParams.of(m, dir).withTrackers(false));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (t.status().state() == TorrentState.CHECKING && System.nanoTime() < deadline) Thread.sleep(20);
            // Piece 3 was recorded (trusted, not hashed); piece 15 was not and fails its hash.
            assertThat(t.status().wantedDoneBytes()).isEqualTo((long) (pieces - 1) * pieceLength);
        }
    }
}
