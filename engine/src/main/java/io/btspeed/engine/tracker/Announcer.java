package io.btspeed.engine.tracker;

import io.btspeed.protocol.metainfo.InfoHash;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one torrent announced to its trackers: the thin I/O layer around {@link AnnounceSchedule}. The
 * torrent runtime calls {@link #run()} on a virtual thread of its own; announces that fall due together
 * (one per tier with "all tiers") run in parallel. New peers go to the callback, which must be
 * thread-safe and quick. {@link #stop()} ends the loop after sending {@code stopped} to every tracker that
 * knows us, bounded by a short timeout.
 */
public final class Announcer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Announcer.class);

    /** What the announce reports about our transfer, read at each announce. */
    public record Stats(long uploaded, long downloaded, long left) {}

    /**
     * @param schedule        tiers and timing
     * @param announceTimeout bound on one announce (HTTP: connect..body; UDP: all retransmissions)
     * @param stopTimeout     bound on the {@code stopped} announces at shutdown (and on the {@code completed}
     *                        ones still owed, sent before them)
     * @param numWant         peers to ask for
     */
    public record Config(AnnounceSchedule.Config schedule, Duration announceTimeout, Duration stopTimeout, int numWant) {
        public static final Config DEFAULT = new Config(AnnounceSchedule.Config.DEFAULT, Duration.ofSeconds(30),
                Duration.ofSeconds(5), 50);
    }

    private final InfoHash infoHash;
    private final byte[] peerId;
    private final int port;
    private final int key;
    private final Supplier<Stats> stats;
    private final Consumer<List<InetSocketAddress>> onPeers;
    private final Config config;
    private final LongSupplier clockMillis;
    private final Map<String, TrackerClient> clients = new LinkedHashMap<>();
    private final AnnounceSchedule schedule;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private final CountDownLatch finished = new CountDownLatch(1);
    private boolean stopRequested;
    private boolean running;
    /** The shutdown announces are out: a second stop (close() after stop()) must not abandon them. */
    private boolean inFarewell;
    private ExecutorService batch;

    /**
     * @param tiers   announce tiers from the metainfo or magnet link; URLs the factory rejects are left out
     * @param clients makes the client for a URL (normally {@link TrackerClients#forUrl})
     * @param random  shuffles tiers and draws the announce key
     */
    public Announcer(InfoHash infoHash, byte[] peerId, int port, List<List<String>> tiers, Supplier<Stats> stats,
                     Consumer<List<InetSocketAddress>> onPeers, Function<String, TrackerClient> clients, Config config,
                     RandomGenerator random, LongSupplier clockMillis) {
        this(infoHash, peerId, port, tiers, stats, stats.get().left() == 0, onPeers, clients, config, random, clockMillis);
    }

    /**
     * @param completeAtStart whether the torrent was complete before this session downloaded anything (then no tracker
     *                        is ever sent {@code completed}); a download can finish before the announcer starts, so
     *                        {@code stats} at construction time does not tell
     */
    public Announcer(InfoHash infoHash, byte[] peerId, int port, List<List<String>> tiers, Supplier<Stats> stats,
                     boolean completeAtStart, Consumer<List<InetSocketAddress>> onPeers, Function<String, TrackerClient> clients,
                     Config config, RandomGenerator random, LongSupplier clockMillis) {
        this.infoHash = infoHash;
        this.peerId = peerId.clone();
        this.port = port;
        this.stats = stats;
        this.onPeers = onPeers;
        this.config = config;
        this.clockMillis = clockMillis;
        this.key = random.nextInt();
        List<List<String>> usable = new ArrayList<>();
        for (List<String> tier : tiers) {
            List<String> ok = new ArrayList<>();
            for (String url : tier) {
                if (this.clients.containsKey(url)) continue;
                try {
                    this.clients.put(url, clients.apply(url));
                    ok.add(url);
                } catch (IllegalArgumentException e) {
                    log.info("ignoring tracker {}: {}", url, e.getMessage());
                }
            }
            usable.add(ok);
        }
        this.schedule = new AnnounceSchedule(usable, config.schedule(), random, completeAtStart, clockMillis.getAsLong());
    }

    /** The usual wiring: real clients, default timing, a strong random source, the monotonic clock. */
    public Announcer(InfoHash infoHash, byte[] peerId, int port, List<List<String>> tiers, Supplier<Stats> stats,
                     Consumer<List<InetSocketAddress>> onPeers) {
        this(infoHash, peerId, port, tiers, stats, onPeers, TrackerClients::forUrl, Config.DEFAULT, new SecureRandom(),
                () -> System.nanoTime() / 1_000_000);
    }

    /** Announces until {@link #stop()} (or an interrupt), then sends the {@code stopped} announces. Call once. */
    public void run() {
        lock.lock();
        try {
            if (running) throw new IllegalStateException("announcer already ran");
            running = true;
        } finally {
            lock.unlock();
        }
        boolean interrupted = false;
        try {
            while (true) {
                List<AnnounceSchedule.Planned> due = awaitDue();
                if (due == null) break;
                execute(due, config.announceTimeout());
            }
        } catch (InterruptedException e) {
            interrupted = true;
        } finally {
            Thread.interrupted(); // the stopped announces must not fail on our own interrupt flag
            // A client that exits on completion may stop us before its notice of completion reached us (it comes
            // from another thread): what is left says so, and the trackers must still count the download.
            if (stats.get().left() == 0) completed();
            // the completed announces still owed go out before the stopped ones, each phase bounded
            interrupted |= !farewell(schedule::owedBeforeStop);
            interrupted |= !farewell(schedule::stop);
            clients.values().forEach(TrackerClient::close);
            finished.countDown();
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    /** Plans one shutdown phase under the lock and sends it; false when interrupted. */
    private boolean farewell(java.util.function.Supplier<List<AnnounceSchedule.Planned>> plan) {
        List<AnnounceSchedule.Planned> planned;
        lock.lock();
        try {
            stopRequested = true;
            inFarewell = true;
            planned = plan.get();
        } finally {
            lock.unlock();
        }
        try {
            execute(planned, config.stopTimeout());
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }

    /** The next batch to announce, or null when stopping. */
    private List<AnnounceSchedule.Planned> awaitDue() throws InterruptedException {
        lock.lock();
        try {
            while (!stopRequested) {
                long now = clockMillis.getAsLong();
                List<AnnounceSchedule.Planned> due = schedule.due(now);
                if (!due.isEmpty()) return due;
                long next = schedule.nextDueAt();
                if (next == Long.MAX_VALUE) {
                    wake.await();
                } else {
                    wake.await(next - clockMillis.getAsLong(), TimeUnit.MILLISECONDS);
                }
            }
            return null;
        } finally {
            lock.unlock();
        }
    }

    private void execute(List<AnnounceSchedule.Planned> planned, Duration timeout) throws InterruptedException {
        if (planned.isEmpty()) return;
        Stats s = stats.get();
        ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor();
        lock.lock();
        try {
            batch = ex;
        } finally {
            lock.unlock();
        }
        try (ex) {
            for (AnnounceSchedule.Planned p : planned) ex.submit(() -> announceOne(p, s, timeout));
        } finally {
            lock.lock();
            try {
                batch = null;
            } finally {
                lock.unlock();
            }
        }
        if (Thread.currentThread().isInterrupted()) throw new InterruptedException();
    }

    private void announceOne(AnnounceSchedule.Planned p, Stats s, Duration timeout) {
        int numWant = p.event() == AnnounceEvent.STOPPED ? 0 : config.numWant();
        AnnounceRequest req = new AnnounceRequest(infoHash, peerId, port, s.uploaded(), s.downloaded(), s.left(), p.event(),
                numWant, key);
        AnnounceResponse resp;
        try {
            resp = clients.get(p.url()).announce(req, timeout);
        } catch (IOException | InterruptedException | RuntimeException e) {
            String why = e instanceof InterruptedException ? "interrupted" : String.valueOf(e.getMessage());
            log.debug("announce {} to {} failed: {}", p.event(), p.url(), why);
            report(() -> schedule.failed(p.url(), why, clockMillis.getAsLong()));
            return;
        }
        log.debug("announce {} to {}: {} peers", p.event(), p.url(), resp.peers().size());
        if (resp.warning() != null) log.info("tracker {} warns: {}", p.url(), resp.warning());
        report(() -> schedule.succeeded(p.url(), resp, clockMillis.getAsLong()));
        if (p.event() != AnnounceEvent.STOPPED && !resp.peers().isEmpty()) {
            try {
                onPeers.accept(resp.peers());
            } catch (RuntimeException e) {
                log.warn("peer callback failed", e);
            }
        }
    }

    private void report(Runnable update) {
        lock.lock();
        try {
            update.run();
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The download just finished: each tracker gets {@code completed} (once) right away, after its {@code started}. */
    public void completed() {
        report(() -> schedule.completed(clockMillis.getAsLong()));
    }

    /** Ask for peers now rather than at the next interval (still respecting min intervals and backoffs). */
    public void announceSoon() {
        report(() -> schedule.announceSoon(clockMillis.getAsLong()));
    }

    /** Asks {@link #run()} to finish: running announces are abandoned, then {@code stopped} is sent. */
    public void stop() {
        lock.lock();
        try {
            stopRequested = true;
            if (batch != null && !inFarewell) batch.shutdownNow();
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Stops and waits (bounded) for {@link #run()} to finish its {@code stopped} announces. */
    @Override
    public void close() {
        stop();
        boolean wasRunning;
        lock.lock();
        try {
            wasRunning = running;
        } finally {
            lock.unlock();
        }
        if (!wasRunning) {
            clients.values().forEach(TrackerClient::close);
            return;
        }
        try {
            // an announce being abandoned, the completed ones still owed, then the stopped ones
            finished.await(2 * config.stopTimeout().toMillis() + config.announceTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // our caller is being stopped too; run() finishes on its own
        }
    }

    public List<AnnounceSchedule.TrackerState> trackers() {
        lock.lock();
        try {
            return schedule.trackers();
        } finally {
            lock.unlock();
        }
    }
}
