package io.btspeed.engine;

import io.btspeed.protocol.metainfo.Metainfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fast resume. To tell "trusted the resume file" from "re-hashed", a byte is flipped on disk while
 * the size and mtime are kept: only a session that skips hashing still reports the piece as done.
 */
class ResumeTest {
    @TempDir
    Path tmp;

    @Test
    @Timeout(90)
    void cleanRestartSkipsHashingButChangedFilesAreRechecked() throws Exception {
        Path seedDir = tmp.resolve("seed"), leechDir = tmp.resolve("leech"), state = tmp.resolve("state");
        int pieceLength = 64 * 1024;
        Metainfo m = TestTorrents.singleFile(seedDir, "r.bin", 3_000_000, pieceLength, 21);
        SessionConfig cfg = SessionConfig.defaults().withStateDir(state);
        try (Session seeder = Session.start(SessionConfig.defaults());
             Session leecher = Session.start(cfg)) {
            seeder.add(AddTorrentParams.of(m, seedDir).withTrackers(false)).completion().get(20, TimeUnit.SECONDS);
            leecher.add(AddTorrentParams.of(m, leechDir).withTrackers(false)
                            .withPeers(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), seeder.listenPort()))))
                    .completion().get(60, TimeUnit.SECONDS);
        }
        assertThat(state.resolve(m.infoHash().hex() + ".resume")).exists();

        Path file = leechDir.resolve("r.bin");
        FileTime mtime = Files.getLastModifiedTime(file);
        flipByte(file, 5 * pieceLength + 17);
        Files.setLastModifiedTime(file, mtime);

        try (Session again = Session.start(cfg)) {
            TorrentHandle t = again.add(AddTorrentParams.of(m, leechDir).withTrackers(false));
            t.completion().get(20, TimeUnit.SECONDS);
            assertThat(t.status().state()).isEqualTo(TorrentState.SEEDING);
            assertThat(t.status().wantedDoneBytes()).isEqualTo(m.totalLength());
        }

        // Now the file really changed (new mtime): the next start must re-hash and find piece 5 bad.
        Files.setLastModifiedTime(file, FileTime.fromMillis(mtime.toMillis() + 60_000));
        try (Session third = Session.start(cfg)) {
            TorrentHandle t = third.add(AddTorrentParams.of(m, leechDir).withTrackers(false));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (t.status().state() == TorrentState.CHECKING && System.nanoTime() < deadline) Thread.sleep(20);
            assertThat(t.status().state()).isEqualTo(TorrentState.DOWNLOADING);
            assertThat(t.status().wantedDoneBytes()).isEqualTo(m.totalLength() - pieceLength);
            assertThat(t.completion()).isNotDone();
        }
    }

    private static void flipByte(Path file, long pos) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(pos);
            int b = f.read();
            f.seek(pos);
            f.write(b ^ 0xff);
        }
    }
}
