package io.btspeed.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import io.btspeed.protocol.metainfo.InfoHash;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Many threads announcing (all events, flipping between seeder and leecher) while another expires
 * swarms: afterwards the counts must still add up. Stopping every peer must leave every swarm at
 * exactly zero seeders and zero leechers — a counter that drifted under a race would show here.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SwarmRegistryConcurrencyTest {
    static final int SWARMS = 5, PEERS = 200, THREADS = 8, ROUNDS = 20_000;

    static AnnounceRequest req(int swarm, int peer, long left, AnnounceEvent e) {
        byte[] h = new byte[20];
        h[0] = (byte) swarm;
        byte[] id = new byte[20];
        id[0] = (byte) peer;
        id[1] = (byte) (peer >> 8);
        return new AnnounceRequest(new InfoHash(h), id, InetAddress.getLoopbackAddress(), 1000 + peer, 0, 0, left, e, 10);
    }

    @Test
    void countsStayConsistentUnderConcurrentAnnouncesAndExpiry() throws Exception {
        long seed = 42;
        SwarmRegistry reg = new SwarmRegistry(TrackerConfig.defaults().withInterval(Duration.ofSeconds(10))
                .withMinInterval(Duration.ofSeconds(1)), new Random(seed));
        AtomicLong clock = new AtomicLong();
        AtomicBoolean done = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < THREADS; t++) {
            SplittableRandom rnd = new SplittableRandom(seed + t);
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 0; i < ROUNDS; i++) {
                        AnnounceEvent e = AnnounceEvent.values()[rnd.nextInt(4)];
                        var r = reg.announce(req(rnd.nextInt(SWARMS), rnd.nextInt(PEERS), rnd.nextBoolean() ? 0 : 5, e),
                                clock.addAndGet(rnd.nextInt(3)), SwarmRegistry.ANY_FAMILY);
                        if (r instanceof AnnounceResult.Accepted a && (a.seeders() < 0 || a.leechers() < 0 || a.peers().size() > 10)) {
                            throw new AssertionError("bad reply " + a);
                        }
                    }
                } catch (Throwable x) {
                    failures.add(x);
                }
            }));
        }
        Thread expirer = Thread.ofPlatform().start(() -> {
            while (!done.get()) reg.expire(clock.get());
        });
        for (Thread t : threads) t.join();
        done.set(true);
        expirer.join();
        assertThat(failures).as("seed %d", seed).isEmpty();
        RegistryStats s = reg.stats();
        assertThat(s.seeders() + s.leechers()).isEqualTo(s.peers());
        assertThat(s.peers()).isLessThanOrEqualTo((long) SWARMS * PEERS);
        for (int sw = 0; sw < SWARMS; sw++) {
            for (int p = 0; p < PEERS; p++) reg.announce(req(sw, p, 0, AnnounceEvent.STOPPED), clock.get(), 0);
            ScrapeEntry e = reg.scrape(req(sw, 0, 0, AnnounceEvent.NONE).infoHash());
            assertThat(e.seeders()).as("swarm %d seeders (seed %d)", sw, seed).isZero();
            assertThat(e.leechers()).as("swarm %d leechers (seed %d)", sw, seed).isZero();
        }
        assertThat(reg.stats().peers()).isZero();
    }
}
