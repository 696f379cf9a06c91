package io.btspeed.engine.tracker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * When to announce to which tracker, and with which event — a pure state machine over times in
 * milliseconds of any monotonic clock; the caller does the I/O and reports back.
 *
 * <p>Tiers follow BEP 12: each tier is shuffled once; an announce round tries the trackers of the first
 * tier in order, then the next tier, until one answers; the tracker that answers moves to the front of
 * its tier. By default one round covers all tiers (announce to the first tier that works); with
 * {@link Config#announceToAllTiers()} every tier runs its own rounds.
 *
 * <p>Each tracker keeps its own event state: the first successful announce to it says {@code started};
 * if the download finished in this session (we were not complete at the start), it gets {@code completed}
 * once, so it counts the download even when the download beat the first announce (peers found through
 * LSD, PEX, DHT or given directly); {@link #stop} lists a {@code stopped} for every tracker that knows us. A tracker
 * that fails is retried after an exponentially growing backoff, and is skipped by rounds meanwhile.
 */
public final class AnnounceSchedule {
    /**
     * @param announceToAllTiers  one round per tier instead of one round over all tiers
     * @param minInterval         floor under the tracker's interval and min interval (protects trackers from us
     *                            and us from trackers that ask for a storm)
     * @param maxInterval         cap on the tracker's interval, so a silent swarm still gets refreshed
     * @param defaultInterval     used when a tracker gives 0 or no interval
     * @param backoffBase         first retry delay after a failure; doubles with each further failure
     * @param backoffMax          cap on the retry delay
     */
    public record Config(boolean announceToAllTiers, Duration minInterval, Duration maxInterval, Duration defaultInterval,
                         Duration backoffBase, Duration backoffMax) {
        public static final Config DEFAULT = new Config(false, Duration.ofSeconds(60), Duration.ofHours(2),
                Duration.ofMinutes(30), Duration.ofSeconds(15), Duration.ofMinutes(30));

        public Config {
            if (minInterval.isNegative() || maxInterval.compareTo(minInterval) < 0 || backoffBase.isNegative()
                    || backoffMax.compareTo(backoffBase) < 0 || defaultInterval.isNegative()) {
                throw new IllegalArgumentException("inconsistent announce timing");
            }
        }

        public Config withAllTiers(boolean all) {
            return new Config(all, minInterval, maxInterval, defaultInterval, backoffBase, backoffMax);
        }
    }

    /** One announce to make now. */
    public record Planned(String url, AnnounceEvent event) {}

    /** A snapshot of one tracker, for status displays. */
    public record TrackerState(String url, int tier, int failures, String lastError, int seeders, int leechers,
                               boolean announced) {}

    private static final class Tracker {
        final String url;
        final int tier;
        int failures;
        long retryAt = Long.MIN_VALUE;
        long lastSuccessAt = Long.MIN_VALUE;
        long minIntervalMillis;
        boolean started;
        /** A {@code started} went out to it (it may have arrived even if we never saw the answer). */
        boolean startTried;
        boolean completedSent;
        AnnounceEvent inFlight; // null when idle
        String lastError;
        int seeders = -1;
        int leechers = -1;

        Tracker(String url, int tier) {
            this.url = url;
            this.tier = tier;
        }
    }

    private static final class Group {
        final List<Integer> tiers;
        long nextAt;
        boolean inFlight;
        boolean wantSoon; // announceSoon() arrived while an announce was out

        Group(List<Integer> tiers, long nextAt) {
            this.tiers = tiers;
            this.nextAt = nextAt;
        }
    }

    private final Config config;
    private final List<List<Tracker>> tiers = new ArrayList<>();
    private final List<Group> groups = new ArrayList<>();
    private boolean complete;
    private final boolean completeAtStart;
    private boolean stopped;

    /**
     * @param tierUrls      announce tiers as in the metainfo; a URL listed twice is used once (first place wins)
     * @param complete      whether we already have everything (then no {@code completed} will ever be sent)
     * @param random        shuffles the tiers; seed it in tests
     * @param now           the first round is due at once
     */
    public AnnounceSchedule(List<List<String>> tierUrls, Config config, RandomGenerator random, boolean complete, long now) {
        this.config = config;
        this.complete = complete;
        this.completeAtStart = complete;
        Set<String> seen = new HashSet<>();
        for (List<String> urls : tierUrls) {
            List<Tracker> tier = new ArrayList<>();
            for (String url : urls) {
                if (seen.add(url)) tier.add(new Tracker(url, tiers.size()));
            }
            if (tier.isEmpty()) continue;
            // Fisher-Yates with the given generator, so a seed reproduces the order.
            for (int i = tier.size() - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                Tracker t = tier.get(i);
                tier.set(i, tier.get(j));
                tier.set(j, t);
            }
            tiers.add(tier);
        }
        if (config.announceToAllTiers()) {
            for (int i = 0; i < tiers.size(); i++) groups.add(new Group(List.of(i), now));
        } else if (!tiers.isEmpty()) {
            List<Integer> all = new ArrayList<>();
            for (int i = 0; i < tiers.size(); i++) all.add(i);
            groups.add(new Group(all, now));
        }
    }

    /** The tiers in their current order (after shuffling and promotions). */
    public List<List<String>> tiers() {
        return tiers.stream().map(t -> t.stream().map(x -> x.url).toList()).toList();
    }

    /**
     * The announces to start now. Each one must be answered by {@link #succeeded} or {@link #failed}; until
     * then its round is busy and plans nothing more.
     */
    public List<Planned> due(long now) {
        List<Planned> out = new ArrayList<>();
        if (stopped) return out;
        for (Group g : groups) {
            if (g.inFlight || g.nextAt > now) continue;
            // The first tracker in order that is not backing off after a failure is the one to use; if it is
            // inside its min interval we wait for it rather than go to a tracker further down the list.
            Tracker pick = null;
            long earliestRetry = Long.MAX_VALUE;
            for (int ti : g.tiers) {
                for (Tracker t : tiers.get(ti)) {
                    if (t.retryAt > now) {
                        earliestRetry = Math.min(earliestRetry, t.retryAt);
                    } else if (pick == null) {
                        pick = t;
                    }
                }
            }
            if (pick == null) {
                g.nextAt = earliestRetry; // all are backing off: come back when the first may retry
                continue;
            }
            AnnounceEvent e = eventFor(pick);
            // The min interval holds back regular re-announces only: "completed" goes out at once, as other
            // clients do, since a process that stops right after finishing would otherwise never send it.
            long minIntervalEnd = pick.lastSuccessAt == Long.MIN_VALUE ? Long.MIN_VALUE : pick.lastSuccessAt + pick.minIntervalMillis;
            if (e == AnnounceEvent.NONE && minIntervalEnd > now) {
                g.nextAt = Math.min(minIntervalEnd, earliestRetry);
                continue;
            }
            pick.inFlight = e;
            if (e == AnnounceEvent.STARTED) pick.startTried = true;
            g.inFlight = true;
            out.add(new Planned(pick.url, e));
        }
        return out;
    }

    private AnnounceEvent eventFor(Tracker t) {
        if (!t.started) return AnnounceEvent.STARTED;
        if (owesCompleted(t)) return AnnounceEvent.COMPLETED;
        return AnnounceEvent.NONE;
    }

    /** We finished downloading in this session and have not told this tracker yet. */
    private boolean owesCompleted(Tracker t) {
        return complete && !completeAtStart && !t.completedSent;
    }

    /** When {@link #due} will next have something (Long.MAX_VALUE: nothing until an event or never). */
    public long nextDueAt() {
        if (stopped) return Long.MAX_VALUE;
        long next = Long.MAX_VALUE;
        for (Group g : groups) {
            if (!g.inFlight) next = Math.min(next, g.nextAt);
        }
        return next;
    }

    /** The tracker answered the planned announce. */
    public void succeeded(String url, AnnounceResponse r, long now) {
        Tracker t = find(url);
        AnnounceEvent sent = t.inFlight;
        if (sent == null) throw new IllegalStateException("no announce to " + url + " is in flight");
        t.inFlight = null;
        t.failures = 0;
        t.retryAt = Long.MIN_VALUE;
        t.lastError = null;
        t.lastSuccessAt = now;
        t.seeders = r.seeders();
        t.leechers = r.leechers();
        t.minIntervalMillis = Math.max(r.minIntervalSeconds() * 1000L, config.minInterval().toMillis());
        switch (sent) {
            case STARTED -> t.started = true;
            case COMPLETED -> {
                t.completedSent = true;
                t.started = true; // it knows us now, whatever became of our started
            }
            case STOPPED -> t.started = false;
            case NONE -> { }
        }
        if (sent == AnnounceEvent.STOPPED) return;
        // BEP 12: the tracker that answered goes to the front of its tier.
        List<Tracker> tier = tiers.get(t.tier);
        tier.remove(t);
        tier.addFirst(t);
        Group g = groupOf(t);
        g.inFlight = false;
        g.nextAt = now + intervalMillis(r);
        if (g.wantSoon) g.nextAt = now; // due() still holds it back until the min interval has passed
        g.wantSoon = false;
        // The download may have finished while this announce was out: tell the tracker now, not in half an hour.
        if (eventFor(t) == AnnounceEvent.COMPLETED) g.nextAt = now;
    }

    private long intervalMillis(AnnounceResponse r) {
        long s = r.intervalSeconds() > 0 ? r.intervalSeconds() * 1000L : config.defaultInterval().toMillis();
        s = Math.max(s, r.minIntervalSeconds() * 1000L);
        return Math.clamp(s, config.minInterval().toMillis(), config.maxInterval().toMillis());
    }

    /** The planned announce failed (no answer, refusal, garbage); the round moves on to the next tracker. */
    public void failed(String url, String error, long now) {
        Tracker t = find(url);
        AnnounceEvent sent = t.inFlight;
        if (sent == null) throw new IllegalStateException("no announce to " + url + " is in flight");
        t.inFlight = null;
        t.failures++;
        t.lastError = error;
        long delay = config.backoffBase().toMillis() << Math.min(t.failures - 1, 30);
        t.retryAt = now + Math.min(delay < 0 ? Long.MAX_VALUE : delay, config.backoffMax().toMillis());
        if (sent == AnnounceEvent.STOPPED) return;
        Group g = groupOf(t);
        g.inFlight = false;
        g.wantSoon = false;
        g.nextAt = now; // try the next tracker of the round at once
    }

    /** The download finished: every tracker gets {@code completed} once (after its {@code started}). */
    public void completed(long now) {
        if (complete) return;
        complete = true;
        for (Group g : groups) {
            boolean owes = false;
            for (int ti : g.tiers) {
                for (Tracker t : tiers.get(ti)) owes |= eventFor(t) == AnnounceEvent.COMPLETED;
            }
            if (owes) g.nextAt = Math.min(g.nextAt, now);
        }
    }

    /** We want peers sooner than the interval; min intervals and backoffs still apply. */
    public void announceSoon(long now) {
        for (Group g : groups) {
            if (g.inFlight) g.wantSoon = true;
            else g.nextAt = Math.min(g.nextAt, now);
        }
    }

    /**
     * Shutting down right after the download finished (a client that exits on completion): the
     * {@code completed} announces still owed, to go out before {@link #stop()}'s {@code stopped} —
     * otherwise the trackers never count the download. Call when nothing is in flight.
     */
    public List<Planned> owedBeforeStop() {
        List<Planned> out = new ArrayList<>();
        if (stopped) return out;
        for (List<Tracker> tier : tiers) {
            for (Tracker t : tier) {
                // also where a started went out but its answer never came (our own shutdown may have cut it off):
                // the tracker may know us, and the download happened either way
                if (t.inFlight == null && (t.started || t.startTried) && owesCompleted(t)) {
                    t.inFlight = AnnounceEvent.COMPLETED;
                    out.add(new Planned(t.url, AnnounceEvent.COMPLETED));
                }
            }
        }
        return out;
    }

    /**
     * Shutting down: no more rounds; returns a {@code stopped} announce for every tracker that has us
     * registered (including one whose {@code started} is still in flight, as it may have arrived).
     */
    public List<Planned> stop() {
        stopped = true;
        List<Planned> out = new ArrayList<>();
        for (List<Tracker> tier : tiers) {
            for (Tracker t : tier) {
                if (t.started || t.inFlight == AnnounceEvent.STARTED) {
                    t.inFlight = AnnounceEvent.STOPPED;
                    out.add(new Planned(t.url, AnnounceEvent.STOPPED));
                }
            }
        }
        return out;
    }

    public boolean isStopped() {
        return stopped;
    }

    public List<TrackerState> trackers() {
        List<TrackerState> out = new ArrayList<>();
        for (List<Tracker> tier : tiers) {
            for (Tracker t : tier) {
                out.add(new TrackerState(t.url, t.tier, t.failures, t.lastError, t.seeders, t.leechers,
                        t.lastSuccessAt != Long.MIN_VALUE));
            }
        }
        return out;
    }

    private Tracker find(String url) {
        for (List<Tracker> tier : tiers) {
            for (Tracker t : tier) {
                if (t.url.equals(url)) return t;
            }
        }
        throw new IllegalArgumentException("unknown tracker " + url);
    }

    private Group groupOf(Tracker t) {
        for (Group g : groups) {
            if (g.tiers.contains(t.tier)) return g;
        }
        throw new IllegalStateException("tracker outside every group");
    }
}
