package io.btspeed.engine;

import io.btspeed.protocol.magnet.MagnetUri;
import io.btspeed.protocol.metainfo.Metainfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Two sessions in one JVM over 127.0.0.1: what the leecher ends up with must equal the seeder's files byte for byte. */
class SessionTransferTest {
    @TempDir
    Path tmp;

    private static InetSocketAddress local(Session s) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), s.listenPort());
    }

    @Test
    @Timeout(90)
    void singleFileTransfersByteIdentical() throws Exception {
        Path seedDir = tmp.resolve("seed"), leechDir = tmp.resolve("leech");
        Metainfo m = TestTorrents.singleFile(seedDir, "data.bin", 6 * 1024 * 1024 + 12345, 256 * 1024, 1);
        try (Session seeder = Session.start(SessionConfig.defaults());
             Session leecher = Session.start(SessionConfig.defaults())) {
            TorrentHandle s = seeder.add(AddTorrentParams.of(m, seedDir).withTrackers(false));
            s.completion().get(30, TimeUnit.SECONDS);
            assertThat(s.status().state()).isEqualTo(TorrentState.SEEDING);
            TorrentHandle l = leecher.add(AddTorrentParams.of(m, leechDir).withTrackers(false).withPeers(List.of(local(seeder))));
            l.completion().get(60, TimeUnit.SECONDS);
            TorrentStatus st = l.status();
            assertThat(st.state()).isEqualTo(TorrentState.SEEDING);
            assertThat(st.wantedDoneBytes()).isEqualTo(m.totalLength());
            assertThat(st.totalDownloaded()).isGreaterThanOrEqualTo(m.totalLength());
        }
        TestTorrents.assertSameTree(seedDir, leechDir);
    }

    @Test
    @Timeout(90)
    void multiFileTransfersByteIdentical() throws Exception {
        Path seedDir = tmp.resolve("seed"), leechDir = tmp.resolve("leech");
        int[] sizes = {100_000, 1, 3 * 1024 * 1024 + 7, 0, 65536, 777_777};
        Metainfo m = TestTorrents.multiFile(seedDir, "album", sizes, 32 * 1024, 2);
        try (Session seeder = Session.start(SessionConfig.defaults());
             Session leecher = Session.start(SessionConfig.defaults())) {
            seeder.add(AddTorrentParams.of(m, seedDir).withTrackers(false)).completion().get(30, TimeUnit.SECONDS);
            TorrentHandle l = leecher.add(AddTorrentParams.of(m, leechDir).withTrackers(false).withPeers(List.of(local(seeder))));
            l.completion().get(60, TimeUnit.SECONDS);
        }
        TestTorrents.assertSameTree(seedDir, leechDir);
    }

    @Test
    @Timeout(90)
    void selectedFilesOnlyFetchesTheirPieces() throws Exception {
        Path seedDir = tmp.resolve("seed"), leechDir = tmp.resolve("leech");
        int[] sizes = {300_000, 200_000, 500_000};
        Metainfo m = TestTorrents.multiFile(seedDir, "set", sizes, 16 * 1024, 3);
        try (Session seeder = Session.start(SessionConfig.defaults());
             Session leecher = Session.start(SessionConfig.defaults())) {
            seeder.add(AddTorrentParams.of(m, seedDir).withTrackers(false)).completion().get(30, TimeUnit.SECONDS);
            TorrentHandle l = leecher.add(AddTorrentParams.of(m, leechDir).withTrackers(false)
                    .withSelectedFiles(Set.of(2)).withPeers(List.of(local(seeder))));
            l.completion().get(60, TimeUnit.SECONDS);
            TorrentStatus st = l.status();
            assertThat(st.wantedDoneBytes()).isEqualTo(st.wantedBytes());
            // File 2 starts inside a piece shared with file 1, so a little more than 500 000 bytes are wanted.
            assertThat(st.wantedBytes()).isBetween(500_000L, 500_000L + 2 * 16 * 1024);
        }
        Path f2 = Path.of("set", "sub0", "file2.bin");
        assertThat(Files.readAllBytes(leechDir.resolve(f2))).isEqualTo(Files.readAllBytes(seedDir.resolve(f2)));
        assertThat(leechDir.resolve("set/sub0/file0.bin")).doesNotExist();
    }

    @Test
    @Timeout(90)
    void magnetFetchesMetadataFromThePeerThenTheData() throws Exception {
        Path seedDir = tmp.resolve("seed"), leechDir = tmp.resolve("leech");
        int[] sizes = {1_000_000, 2_500_000};
        Metainfo m = TestTorrents.multiFile(seedDir, "mag", sizes, 64 * 1024, 4);
        try (Session seeder = Session.start(SessionConfig.defaults());
             Session leecher = Session.start(SessionConfig.defaults())) {
            seeder.add(AddTorrentParams.of(m, seedDir).withTrackers(false)).completion().get(30, TimeUnit.SECONDS);
            MagnetUri magnet = new MagnetUri(m.infoHash(), "mag", List.of(), List.of());
            TorrentHandle l = leecher.add(AddTorrentParams.of(magnet, leechDir).withTrackers(false).withPeers(List.of(local(seeder))));
            // the magnet carries no info dictionary: whatever metainfo the handle ends with came from the
            // peer (on loopback it may already be there when add returns, so its absence is not asserted)
            l.completion().get(60, TimeUnit.SECONDS);
            assertThat(l.metainfo()).isNotNull();
            assertThat(l.metainfo().rawInfo()).isEqualTo(m.rawInfo());
        }
        TestTorrents.assertSameTree(seedDir, leechDir);
    }
}
