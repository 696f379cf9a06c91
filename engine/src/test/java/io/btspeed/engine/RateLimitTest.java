package io.btspeed.engine;

import io.btspeed.protocol.metainfo.Metainfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Limits are upper bounds: bytes moved by time T stay under limit × T × 1.5 plus one burst (not a timing benchmark). */
class RateLimitTest {
    private static final long LIMIT = 1 << 20;

    @TempDir
    Path tmp;

    @Test
    @Timeout(60)
    void downloadLimitBoundsTheLeecher() throws Exception {
        assertBounded(SessionConfig.defaults(), SessionConfig.defaults().withRateLimits(0, LIMIT));
    }

    @Test
    @Timeout(60)
    void uploadLimitBoundsTheSeeder() throws Exception {
        assertBounded(SessionConfig.defaults().withRateLimits(LIMIT, 0), SessionConfig.defaults());
    }

    private void assertBounded(SessionConfig seederCfg, SessionConfig leecherCfg) throws Exception {
        Path seedDir = tmp.resolve("seed"), leechDir = tmp.resolve("leech");
        Metainfo m = TestTorrents.singleFile(seedDir, "slow.bin", 8 << 20, 64 * 1024, 31);
        try (Session seeder = Session.start(seederCfg); Session leecher = Session.start(leecherCfg)) {
            seeder.add(AddTorrentParams.of(m, seedDir).withTrackers(false)).completion().get(20, TimeUnit.SECONDS);
            long t0 = System.nanoTime();
            TorrentHandle l = leecher.add(AddTorrentParams.of(m, leechDir).withTrackers(false)
                    .withPeers(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), seeder.listenPort()))));
            // Wait until data flows, then sample at a few points in time.
            while (l.status().totalDownloaded() == 0) Thread.sleep(20);
            for (int i = 0; i < 3; i++) {
                Thread.sleep(700);
                double seconds = (System.nanoTime() - t0) / 1e9;
                long got = l.status().totalDownloaded();
                long bound = (long) (LIMIT * seconds * 1.5) + (256 << 10);
                assertThat(got).as("bytes after %.2f s", seconds).isLessThanOrEqualTo(bound);
            }
            assertThat(l.completion()).isNotDone();
            // The reported rate is a windowed average: non-zero while data flows, and within the same bound.
            assertThat(l.status().downloadRate()).isPositive().isLessThanOrEqualTo((long) (LIMIT * 1.5) + (256 << 10));
            // Lifting the limit at runtime lets the rest through quickly.
            seeder.setRateLimits(0, 0);
            leecher.setRateLimits(0, 0);
            l.completion().get(30, TimeUnit.SECONDS);
        }
        TestTorrents.assertSameTree(seedDir, leechDir);
    }
}
