package io.btspeed.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.btspeed.interop.harness.Content;
import io.btspeed.interop.harness.Peers;
import io.btspeed.interop.harness.Proc;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stop a btspeed download halfway and start it again: after a clean stop it trusts what it had
 * without hashing; after a crash (SIGKILL) it hashes only what is uncertain; both finish with
 * identical bytes.
 */
@Tag("interop")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ResumeInteropTest {
    @TempDir
    Path tmp;

    private void stopHalfwayAndResume(boolean crash) throws Exception {
        try (Peers peers = new Peers(tmp)) {
            Path src = Content.randomFile(tmp.resolve("seed/big.bin"), 8 * 1024 * 1024, 20);
            Path torrent = tmp.resolve("big.torrent");
            peers.btspeedRun("create", "create", src.toString(), "-o", torrent.toString(), "--piece-size", "64K");
            int seedPort = Peers.freePort();
            // a slow seeder so "halfway" lasts long enough to catch
            Proc seed = peers.btspeed("seed", "seed", torrent.toString(), "--dir", tmp.resolve("seed").toString(), "--port",
                    String.valueOf(seedPort), "--bind", "127.0.0.1", "--upload-limit", "1M", "--no-trackers");
            seed.awaitLine("seeding", Duration.ofSeconds(60));
            String[] leech = {"download", torrent.toString(), "--dir", tmp.resolve("out").toString(), "--port", "0",
                    "--peer", "127.0.0.1:" + seedPort, "--no-trackers"};
            Proc first = peers.btspeed("leech-1", leech);
            first.awaitLine("download\\s+([3-7][0-9])\\.[0-9]%", Duration.ofSeconds(60));
            if (crash) first.kill();
            else first.terminate(Duration.ofSeconds(15));

            Proc second = peers.btspeed("leech-2", leech);
            Matcher resume = second.awaitLine("resume: (\\d+) pieces trusted, (\\d+) rechecked", Duration.ofSeconds(60));
            int trusted = Integer.parseInt(resume.group(1));
            int rechecked = Integer.parseInt(resume.group(2));
            if (!crash) {
                assertThat(trusted).as("pieces trusted after a clean stop\n%s", first.tail()).isGreaterThan(0);
                assertThat(rechecked).as("nothing is re-hashed after a clean stop").isZero();
            } else {
                // after a crash the progress records (saved every 30 s) vouch for some pieces; everything
                // else on disk is uncertain and hashed. A crash before the first record hashes it all.
                assertThat(trusted + rechecked).isBetween(1, 128);
                if (trusted > 0) assertThat(rechecked).isLessThan(128 - trusted + 1);
            }
            int exit;
            try {
                exit = second.awaitExit(Duration.ofSeconds(120));
            } catch (AssertionError stalled) {
                // the other side of a stalled download: is the seeder still there, and what did it log?
                throw new AssertionError(stalled.getMessage() + "\nseed alive: " + seed.isAlive() + "\n" + seed.tail(), stalled);
            }
            assertThat(exit).as(second.tail()).isZero();
            assertThat(Content.digests(tmp.resolve("out/big.bin"))).isEqualTo(Content.digests(src));
        }
    }

    @Test
    void resumesAfterACleanStopWithoutRehashing() throws Exception {
        stopHalfwayAndResume(false);
    }

    @Test
    void resumesAfterACrashCheckingOnlyWhatIsUncertain() throws Exception {
        stopHalfwayAndResume(true);
    }
}
