package io.btspeed.engine.tracker;

import static io.btspeed.engine.tracker.AnnounceEvent.COMPLETED;
import static io.btspeed.engine.tracker.AnnounceEvent.NONE;
import static io.btspeed.engine.tracker.AnnounceEvent.STARTED;
import static io.btspeed.engine.tracker.AnnounceEvent.STOPPED;
import static org.assertj.core.api.Assertions.assertThat;

import io.btspeed.engine.tracker.AnnounceSchedule.Planned;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AnnounceScheduleTest {
    private static final AnnounceSchedule.Config CFG = new AnnounceSchedule.Config(false, Duration.ofSeconds(60),
            Duration.ofHours(2), Duration.ofMinutes(30), Duration.ofSeconds(15), Duration.ofMinutes(30));
    private static final List<List<String>> TIERS = List.of(List.of("a1", "a2", "a3"), List.of("b1"));

    private static AnnounceResponse ok(int interval, int minInterval) {
        return new AnnounceResponse(interval, minInterval, List.of(), 1, 2, null);
    }

    /** A schedule whose tiers are in the listed order (seed chosen so the shuffle is found by search, not assumed). */
    private static AnnounceSchedule inOrder(List<List<String>> tiers, AnnounceSchedule.Config cfg, boolean complete) {
        for (long seed = 0; seed < 10_000; seed++) {
            AnnounceSchedule s = new AnnounceSchedule(tiers, cfg, new Random(seed), complete, 0);
            if (s.tiers().equals(tiers)) return s;
        }
        throw new AssertionError("no seed keeps the order");
    }

    @Test
    void tiersAreShuffledOnceBySeedButNotMixed() {
        Set<List<String>> firstTiers = new HashSet<>();
        for (long seed = 0; seed < 50; seed++) {
            AnnounceSchedule s = new AnnounceSchedule(TIERS, CFG, new Random(seed), false, 0);
            assertThat(s.tiers().get(0)).containsExactlyInAnyOrder("a1", "a2", "a3");
            assertThat(s.tiers().get(1)).containsExactly("b1");
            assertThat(new AnnounceSchedule(TIERS, CFG, new Random(seed), false, 0).tiers()).isEqualTo(s.tiers());
            firstTiers.add(s.tiers().get(0));
        }
        assertThat(firstTiers).hasSize(6); // all permutations of three show up
    }

    @Test
    void duplicateUrlsAndEmptyTiersAreDropped() {
        AnnounceSchedule s = new AnnounceSchedule(List.of(List.of("x"), List.of(), List.of("x", "y")), CFG, new Random(1), false, 0);
        assertThat(s.tiers()).isEqualTo(List.of(List.of("x"), List.of("y")));
    }

    @Test
    void failoverWithinTierThenPromotionToFront() {
        AnnounceSchedule s = inOrder(TIERS, CFG, false);
        assertThat(s.due(0)).containsExactly(new Planned("a1", STARTED));
        assertThat(s.due(0)).as("round busy while in flight").isEmpty();
        s.failed("a1", "timeout", 1_000);
        assertThat(s.due(1_000)).containsExactly(new Planned("a2", STARTED));
        s.succeeded("a2", ok(1800, 0), 2_000);
        assertThat(s.tiers().get(0)).containsExactly("a2", "a1", "a3");
        assertThat(s.nextDueAt()).isEqualTo(2_000 + 1_800_000);
        assertThat(s.due(2_000 + 1_799_999)).isEmpty();
        // next round starts at the front of the first tier: the tracker that worked
        assertThat(s.due(2_000 + 1_800_000)).containsExactly(new Planned("a2", NONE));
    }

    @Test
    void wholeTierFailingFallsToNextTierAndFirstTierIsRetriedAfterBackoff() {
        AnnounceSchedule s = inOrder(TIERS, CFG, false);
        long t = 0;
        for (String url : List.of("a1", "a2", "a3")) {
            assertThat(s.due(t)).containsExactly(new Planned(url, STARTED));
            s.failed(url, "refused", t);
        }
        assertThat(s.due(t)).containsExactly(new Planned("b1", STARTED));
        s.succeeded("b1", ok(60, 0), t);
        // a1..a3 may retry after 15 s; the next round at 60 s goes back to tier one first (BEP 12)
        assertThat(s.due(60_000)).containsExactly(new Planned("a1", STARTED));
        s.succeeded("a1", ok(60, 0), 60_000);
        assertThat(s.due(120_000)).containsExactly(new Planned("a1", NONE));
    }

    @Test
    void backoffDoublesAndIsCapped() {
        AnnounceSchedule s = inOrder(List.of(List.of("only")), CFG, false);
        long now = 0;
        long[] expectedDelays = {15_000, 30_000, 60_000, 120_000, 240_000, 480_000, 960_000, 1_800_000, 1_800_000};
        for (long delay : expectedDelays) {
            assertThat(s.due(now)).containsExactly(new Planned("only", STARTED));
            s.failed("only", "down", now);
            assertThat(s.due(now)).isEmpty();
            assertThat(s.nextDueAt()).isEqualTo(now + delay);
            assertThat(s.due(now + delay - 1)).isEmpty();
            now += delay;
        }
        assertThat(s.trackers().getFirst().failures()).isEqualTo(expectedDelays.length);
        assertThat(s.trackers().getFirst().lastError()).isEqualTo("down");
    }

    @Test
    void intervalIsClampedAndMinIntervalRespected() {
        AnnounceSchedule s = inOrder(List.of(List.of("t")), CFG, false);
        s.due(0);
        s.succeeded("t", ok(5, 0), 0); // a tracker asking for a storm gets our floor
        assertThat(s.nextDueAt()).isEqualTo(60_000);
        s.due(60_000);
        s.succeeded("t", ok(999_999, 0), 60_000);
        assertThat(s.nextDueAt()).isEqualTo(60_000 + 7_200_000);
        s.due(7_260_000);
        s.succeeded("t", ok(0, 0), 7_260_000);
        assertThat(s.nextDueAt()).as("0 means the default").isEqualTo(7_260_000 + 1_800_000);
        // asking for peers early still waits for the tracker's min interval
        AnnounceSchedule m = inOrder(List.of(List.of("t")), CFG, false);
        m.due(0);
        m.succeeded("t", ok(1800, 300), 0);
        m.announceSoon(10_000);
        assertThat(m.due(10_000)).isEmpty();
        assertThat(m.nextDueAt()).isEqualTo(300_000);
        assertThat(m.due(300_000)).containsExactly(new Planned("t", NONE));
    }

    @Test
    void completedIsSentOnceAndOnlyToTrackersThatSawUsDownloading() {
        AnnounceSchedule s = inOrder(List.of(List.of("t")), CFG, false);
        s.due(0);
        s.succeeded("t", ok(1800, 0), 0);
        s.completed(100_000);
        assertThat(s.due(100_000)).containsExactly(new Planned("t", COMPLETED));
        s.failed("t", "timeout", 100_000); // not delivered: must be sent again
        assertThat(s.due(115_000)).containsExactly(new Planned("t", COMPLETED));
        s.succeeded("t", ok(1800, 0), 115_000);
        s.completed(200_000); // repeated signal changes nothing
        assertThat(s.due(115_000 + 1_800_000)).containsExactly(new Planned("t", NONE));

        AnnounceSchedule seeding = inOrder(List.of(List.of("t")), CFG, true);
        seeding.due(0);
        seeding.succeeded("t", ok(60, 0), 0);
        assertThat(seeding.due(60_000)).containsExactly(new Planned("t", NONE));
    }

    @Test
    void completionDuringAnInFlightStartedIsSentRightAfter() {
        AnnounceSchedule s = inOrder(List.of(List.of("t")), CFG, false);
        assertThat(s.due(0)).containsExactly(new Planned("t", STARTED));
        s.completed(1_000);
        s.succeeded("t", ok(1800, 0), 2_000);
        // an event is not a regular re-announce: the min interval does not hold it back
        assertThat(s.nextDueAt()).isEqualTo(2_000);
        assertThat(s.due(2_000)).containsExactly(new Planned("t", COMPLETED));
    }

    @Test
    void aDownloadThatFinishedBeforeTheFirstAnnounceIsStillReportedCompleted() {
        // peers came from LSD, PEX or --peer: the download beat the tracker, which must still count it
        AnnounceSchedule s = inOrder(List.of(List.of("t")), CFG, false);
        s.completed(0);
        assertThat(s.due(0)).containsExactly(new Planned("t", STARTED));
        s.succeeded("t", ok(1800, 0), 5);
        assertThat(s.due(5)).containsExactly(new Planned("t", COMPLETED));
        s.succeeded("t", ok(1800, 0), 6);
        assertThat(s.owedBeforeStop()).isEmpty();
    }

    @Test
    void aStartedCutOffByShutdownIsFollowedByCompletedAndStopped() {
        AnnounceSchedule s = inOrder(List.of(List.of("t")), CFG, false);
        assertThat(s.due(0)).containsExactly(new Planned("t", STARTED));
        s.completed(10);
        s.failed("t", "interrupted", 20); // the client is exiting: its own shutdown cut the request
        assertThat(s.owedBeforeStop()).as("the started may have arrived; the download happened either way")
                .containsExactly(new Planned("t", COMPLETED));
        s.succeeded("t", ok(1800, 0), 30);
        assertThat(s.stop()).as("completed registered us: we say goodbye").containsExactly(new Planned("t", STOPPED));
    }

    @Test
    void allTiersModeRunsOneRoundPerTier() {
        AnnounceSchedule s = inOrder(TIERS, CFG.withAllTiers(true), false);
        assertThat(s.due(0)).containsExactly(new Planned("a1", STARTED), new Planned("b1", STARTED));
        s.succeeded("b1", ok(100, 0), 10);
        s.failed("a1", "x", 20);
        assertThat(s.due(20)).containsExactly(new Planned("a2", STARTED));
        s.succeeded("a2", ok(200, 0), 30);
        assertThat(s.nextDueAt()).isEqualTo(100_010);
        assertThat(s.due(100_010)).containsExactly(new Planned("b1", NONE));
    }

    @Test
    void stopGoesToEveryTrackerThatKnowsUsAndEndsTheRounds() {
        AnnounceSchedule s = inOrder(TIERS, CFG.withAllTiers(true), false);
        s.due(0);
        s.succeeded("a1", ok(100, 0), 0);
        s.failed("b1", "down", 0);
        List<Planned> stops = s.stop();
        assertThat(stops).containsExactly(new Planned("a1", STOPPED));
        assertThat(s.due(1_000_000)).isEmpty();
        assertThat(s.nextDueAt()).isEqualTo(Long.MAX_VALUE);
        s.succeeded("a1", ok(100, 0), 1);
        assertThat(s.stop()).as("a tracker that got stopped no longer knows us").isEmpty();
    }

    @Test
    void aClientThatStopsRightAfterCompletingStillSendsCompletedBeforeStopped() {
        AnnounceSchedule s = inOrder(TIERS, CFG.withAllTiers(true), false);
        s.due(0);
        s.succeeded("a1", ok(100, 0), 0);
        s.succeeded("b1", ok(100, 0), 0);
        s.completed(10); // due at once, but the client exits before the round runs (or abandons it)
        List<Planned> owed = s.owedBeforeStop();
        assertThat(owed).containsExactlyInAnyOrder(new Planned("a1", COMPLETED), new Planned("b1", COMPLETED));
        s.succeeded("a1", ok(100, 0), 20);
        s.failed("b1", "down", 20);
        assertThat(s.stop()).containsExactlyInAnyOrder(new Planned("a1", STOPPED), new Planned("b1", STOPPED));
        assertThat(s.owedBeforeStop()).as("nothing more once stopped").isEmpty();
    }

    @Test
    void nothingIsOwedAtStopWhenCompletedWasSentOrWeWereNeverIncomplete() {
        AnnounceSchedule s = inOrder(List.of(List.of("t")), CFG, false);
        s.due(0);
        s.succeeded("t", ok(1800, 0), 0);
        s.completed(10);
        assertThat(s.due(10)).containsExactly(new Planned("t", COMPLETED));
        s.succeeded("t", ok(1800, 0), 20);
        assertThat(s.owedBeforeStop()).isEmpty();
        AnnounceSchedule seed = inOrder(List.of(List.of("t")), CFG, true);
        seed.due(0);
        seed.succeeded("t", ok(1800, 0), 0);
        assertThat(seed.owedBeforeStop()).as("started as a seed: never completed").isEmpty();
        AnnounceSchedule unstarted = inOrder(List.of(List.of("t")), CFG, false);
        unstarted.completed(0);
        assertThat(unstarted.owedBeforeStop()).as("never started: the tracker does not know us").isEmpty();
    }

    @Test
    void announceSoonDuringAnAnnounceIsKeptAndMinIntervalDoesNotCauseFailover() {
        AnnounceSchedule s = inOrder(TIERS, CFG, false);
        assertThat(s.due(0)).containsExactly(new Planned("a1", STARTED));
        s.announceSoon(10);
        s.succeeded("a1", ok(1800, 120), 20);
        // wanted soon, but a1 (first in order) is inside its 120 s min interval: wait for it, do not go to a2
        assertThat(s.due(20)).isEmpty();
        assertThat(s.nextDueAt()).isEqualTo(120_020);
        assertThat(s.due(120_020)).containsExactly(new Planned("a1", NONE));
    }
}
