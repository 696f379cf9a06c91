package io.btspeed.engine.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import io.btspeed.protocol.metainfo.InfoHash;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The announcer's I/O loop with in-memory trackers: what is sent, in which order, and what reaches the torrent. */
@Timeout(30)
class AnnouncerTest {
    private static final InfoHash HASH = HttpAnnounceQueryTest.HASH;
    private static final Announcer.Config CFG = new Announcer.Config(new AnnounceSchedule.Config(false, Duration.ZERO,
            Duration.ofHours(2), Duration.ofMinutes(30), Duration.ofMillis(50), Duration.ofSeconds(1)),
            Duration.ofSeconds(5), Duration.ofSeconds(2), 40);

    /** What one announce call saw. */
    record Call(String url, AnnounceRequest request) {}

    private final BlockingQueue<Call> calls = new LinkedBlockingQueue<>();
    private final Map<String, Boolean> down = new ConcurrentHashMap<>();
    private final List<List<InetSocketAddress>> delivered = new CopyOnWriteArrayList<>();
    private final AtomicLong left = new AtomicLong(1000);
    /** Test time: it only moves when a test moves it, so backoffs expire exactly when the test says. */
    private final AtomicLong clock = new AtomicLong(1_000_000);

    /** When set, a completed announce waits here until the test opens it (or the call is interrupted). */
    private volatile java.util.concurrent.CountDownLatch holdCompleted;
    /** Events the fake tracker answered (an interrupted call is not answered). */
    private final List<AnnounceEvent> answered = new CopyOnWriteArrayList<>();

    private TrackerClient fake(String url) {
        if (url.startsWith("wss:")) throw new IllegalArgumentException("unsupported");
        return new TrackerClient() {
            @Override
            public String url() {
                return url;
            }

            @Override
            public AnnounceResponse announce(AnnounceRequest request, Duration timeout) throws IOException {
                calls.add(new Call(url, request));
                if (down.getOrDefault(url, false)) throw new IOException(url + " is down");
                var hold = holdCompleted;
                if (hold != null && request.event() == AnnounceEvent.COMPLETED) {
                    try {
                        hold.await();
                    } catch (InterruptedException e) {
                        throw new java.io.InterruptedIOException("abandoned");
                    }
                }
                answered.add(request.event());
                String last = url.substring(url.length() - 1);
                return new AnnounceResponse(3600, 0, List.of(new InetSocketAddress("10.0.0." + last, 6881)), 1, 1, null);
            }

            @Override
            public void close() {}
        };
    }

    private Announcer announcer(List<List<String>> tiers) {
        return new Announcer(HASH, HttpAnnounceQueryTest.PEER_ID, 6881, tiers, () -> new Announcer.Stats(5, 1000 - left.get(), left.get()),
                delivered::add, this::fake, CFG, new Random(3), clock::get);
    }

    private Call next() throws InterruptedException {
        Call c = calls.poll(10, TimeUnit.SECONDS);
        assertThat(c).as("an announce within 10 s").isNotNull();
        return c;
    }

    @Test
    void startedThenCompletedOnceThenStoppedOnShutdown() throws Exception {
        Announcer a = announcer(List.of(List.of("http://t/1"), List.of("wss://ignored")));
        Thread runner = Thread.ofVirtual().start(a::run);
        Call first = next();
        assertThat(first.url()).isEqualTo("http://t/1");
        assertThat(first.request().event()).isEqualTo(AnnounceEvent.STARTED);
        assertThat(first.request().left()).isEqualTo(1000);
        assertThat(first.request().numWant()).isEqualTo(40);
        assertThat(first.request().infoHash()).isEqualTo(HASH);

        left.set(0);
        a.completed();
        a.completed();
        Call done = next();
        assertThat(done.request().event()).isEqualTo(AnnounceEvent.COMPLETED);
        assertThat(done.request().left()).isZero();
        assertThat(done.request().downloaded()).isEqualTo(1000);
        assertThat(done.request().key()).isEqualTo(first.request().key());

        a.close();
        runner.join(10_000);
        assertThat(runner.isAlive()).isFalse();
        Call stop = next();
        assertThat(stop.request().event()).isEqualTo(AnnounceEvent.STOPPED);
        assertThat(stop.request().numWant()).isZero();
        assertThat(calls).isEmpty();
        assertThat(delivered).containsExactly(List.of(new InetSocketAddress("10.0.0.1", 6881)),
                List.of(new InetSocketAddress("10.0.0.1", 6881)));
        assertThat(a.trackers()).extracting(AnnounceSchedule.TrackerState::url).containsExactly("http://t/1");
    }

    /**
     * A process that exits on completion stops its announcer (abandoning the completed announce under way),
     * then closes it, which stops it again: the second stop must not abandon the completed announce the
     * shutdown sends, or the tracker never counts the download.
     */
    @Test
    void aSecondStopDoesNotAbandonTheCompletedSentOnShutdown() throws Exception {
        Announcer a = announcer(List.of(List.of("http://t/1")));
        Thread runner = Thread.ofVirtual().start(a::run);
        assertThat(next().request().event()).isEqualTo(AnnounceEvent.STARTED);
        holdCompleted = new java.util.concurrent.CountDownLatch(1);
        left.set(0);
        a.completed();
        assertThat(next().request().event()).isEqualTo(AnnounceEvent.COMPLETED);
        a.stop(); // abandons it; the shutdown sends it again
        assertThat(next().request().event()).isEqualTo(AnnounceEvent.COMPLETED);
        a.stop(); // as close() does
        holdCompleted.countDown();
        runner.join(10_000);
        assertThat(runner.isAlive()).isFalse();
        assertThat(next().request().event()).isEqualTo(AnnounceEvent.STOPPED);
        assertThat(answered).containsExactly(AnnounceEvent.STARTED, AnnounceEvent.COMPLETED, AnnounceEvent.STOPPED);
    }

    /** Stopped right after finishing, before the notice of completion arrived: what is left (0) tells the announcer. */
    @Test
    void aDownloadThatFinishedBeforeItsNoticeStillGetsCompletedBeforeStopped() throws Exception {
        Announcer a = announcer(List.of(List.of("http://t/1")));
        Thread runner = Thread.ofVirtual().start(a::run);
        assertThat(next().request().event()).isEqualTo(AnnounceEvent.STARTED);
        left.set(0); // no a.completed(): the torrent's notice is still on its way
        a.close();
        runner.join(10_000);
        assertThat(next().request().event()).isEqualTo(AnnounceEvent.COMPLETED);
        assertThat(next().request().event()).isEqualTo(AnnounceEvent.STOPPED);
        assertThat(answered).containsExactly(AnnounceEvent.STARTED, AnnounceEvent.COMPLETED, AnnounceEvent.STOPPED);
    }

    @Test
    void deadFirstTierFallsBackToSecondAndOnlyLiveTrackersGetStopped() throws Exception {
        down.put("http://t/1", true);
        down.put("http://t/2", true);
        Announcer a = announcer(List.of(List.of("http://t/1", "http://t/2"), List.of("udp://t:1/3")));
        Thread runner = Thread.ofVirtual().start(a::run);
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 3; i++) order.add(next().url());
        assertThat(order.subList(0, 2)).containsExactlyInAnyOrder("http://t/1", "http://t/2");
        assertThat(order.get(2)).isEqualTo("udp://t:1/3");
        // tier one comes back: after its backoff the next round tries it first, and it answers
        down.clear();
        clock.addAndGet(1_000); // past the 50 ms backoff of tier one
        a.announceSoon();
        Call retry = next();
        assertThat(retry.url()).startsWith("http://t/");
        assertThat(retry.request().event()).isEqualTo(AnnounceEvent.STARTED);
        a.close();
        runner.join(10_000);
        List<Call> stops = new ArrayList<>();
        calls.drainTo(stops);
        assertThat(stops).allSatisfy(c -> assertThat(c.request().event()).isEqualTo(AnnounceEvent.STOPPED));
        assertThat(stops).extracting(Call::url).containsExactlyInAnyOrder("udp://t:1/3", retry.url());
        assertThat(delivered).contains(List.of(new InetSocketAddress("10.0.0.3", 6881)));
    }

    @Test
    void stopBeforeAnyAnnounceSendsNothing() throws Exception {
        Announcer a = announcer(List.of(List.of("http://t/1")));
        a.stop();
        a.run();
        assertThat(calls).isEmpty();
    }
}
