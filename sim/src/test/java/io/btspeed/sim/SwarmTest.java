package io.btspeed.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class SwarmTest {
    static final Path SMALL = Path.of("scenarios/small-scarcity.yaml");

    @Test
    void sameScenarioAndSeedGiveIdenticalResults() {
        Scenario s = ScenarioLoader.load(SMALL);
        SimResult a = Swarm.run(s), b = Swarm.run(s);
        assertThat(b.withoutWallTime()).isEqualTo(a.withoutWallTime());
        SimResult c = Swarm.run(s.withSeed(s.seed() + 1));
        assertThat(c.peers()).as("another seed gives another run").isNotEqualTo(a.peers());
    }

    @Test
    void roundsOnTwoThreadsGiveTheSameRunAsOnOne() {
        // enough peers for two slices of the catch-up, the offers and the deliveries, and of the choke decisions
        // (all arrive at once, so their rounds fall due together)
        Scenario s = ScenarioLoader.load(SMALL, java.util.Map.of("groups.plain.count", "200", "pieces", "64"));
        SimResult one = new Swarm(s, 1).run(), two = new Swarm(s, 2).run();
        assertThat(two.withoutWallTime()).isEqualTo(one.withoutWallTime());
        assertThat(one.peers()).allMatch(p -> p.startedComplete() || !Double.isNaN(p.completed()));
    }

    @Test
    void everyoneCompletesAndBytesAndTokensAreConserved() {
        Scenario s = ScenarioLoader.load(SMALL);
        SimResult r = Swarm.run(s);
        long torrent = s.torrentBytes();
        long up = 0, down = 0, usefulSum = 0, spent = 0, earned = 0, balances = 0, budgets = 0;
        for (PeerResult p : r.peers()) {
            if (!p.startedComplete()) {
                assertThat(p.completed()).as("peer %d completed", p.id()).isNotNaN();
                assertThat(p.usefulBytes()).as("peer %d got exactly the torrent once", p.id()).isEqualTo(torrent);
            }
            up += p.bytesUp();
            down += p.bytesDown();
            usefulSum += p.usefulBytes();
            spent += p.spent();
            earned += p.earned();
            balances += p.balance();
            budgets += p.budget();
            assertThat(p.balance()).isEqualTo(p.budget() - p.spent() + p.earned());
            assertThat(p.balance()).isNotNegative();
            if (p.kind() != Kind.BIDDER) assertThat(p.spent()).isZero();
            if (p.kind() == Kind.PLAIN) assertThat(p.earned()).isZero();
        }
        assertThat(up).as("every byte sent was received").isEqualTo(down).isEqualTo(r.totalBytesUp());
        assertThat(usefulSum).isEqualTo(r.totalUsefulBytes()).isEqualTo(40 * torrent);
        assertThat(down).isGreaterThanOrEqualTo(usefulSum);
        assertThat(spent).as("what bidders paid is what uploaders earned").isEqualTo(earned).isPositive();
        assertThat(balances).as("token supply").isEqualTo(budgets).isEqualTo(r.supply()).isEqualTo(r.balanceSum());
    }

    @Test
    void biddersFinishBeforeNonBiddersWhenSlotsAreScarce() {
        SimResult r = Swarm.run(ScenarioLoader.load(SMALL));
        double bidders = mean(r.peers(), "bidders"), non = mean(r.peers(), "nonbidders"), plain = mean(r.peers(), "plain");
        assertThat(bidders).as("bidders %.0f s vs non-bidders %.0f s vs plain %.0f s", bidders, non, plain).isLessThan(non);
        assertThat(bidders).isLessThan(plain);
    }

    static double mean(List<PeerResult> peers, String group) {
        return peers.stream().filter(p -> p.group().equals(group)).mapToDouble(PeerResult::downloadSeconds).average().orElseThrow();
    }

    @Test
    void aSwarmThatEmptiesAndFillsAgainRunsOn() {
        // everyone is gone between the first peers' departures and the late ones' arrival: the rounds in between run
        // over nobody, on one thread and on two
        Scenario s = ScenarioLoader.parse("""
                name: empty-for-a-while
                pieces: 16
                pieceSize: 262144
                maxSeconds: 400
                stopWhenDone: false
                groups:
                  - {name: seed, count: 1, kind: plain, complete: true, uploadKiBps: 1024, departure: {type: seed-for, seconds: 40}}
                  - {name: early, count: 3, kind: plain, uploadKiBps: 256, departure: {type: leave, probability: 1}}
                  - {name: late, count: 2, kind: plain, complete: true, uploadKiBps: 256, arrival: {type: flash, at: 200},
                     departure: {type: seed-for, seconds: 5}}
                """, true, "empty.yaml");
        for (int threads = 1; threads <= 2; threads++) {
            SimResult r = new Swarm(s, threads).run();
            assertThat(r.peers().get(0).departed()).isEqualTo(40.0);
            assertThat(r.peers().subList(1, 4)).as("the early ones complete and leave before the late ones come")
                    .allMatch(p -> p.completed() < 200 && p.departed() == p.completed() + 1); // from the next round on
            assertThat(r.peers().subList(4, 6)).allMatch(p -> p.arrived() == 200.0 && p.departed() == 205.0);
        }
    }

    @Test
    void aSeedThatLeavesTooEarlyLosesTheFileAndTheSamplesSaySo() {
        Scenario s = ScenarioLoader.parse("""
                name: early-leave
                pieces: 64
                pieceSize: 262144
                maxSeconds: 300
                stopWhenDone: false
                groups:
                  - {name: seed, count: 1, kind: plain, complete: true, uploadKiBps: 256, departure: {type: seed-for, seconds: 20}}
                  - {name: leechers, count: 5, kind: plain, uploadKiBps: 64}
                """, true, "early-leave.yaml");
        SimResult r = Swarm.run(s);
        PeerResult seed = r.peers().get(0);
        assertThat(seed.departed()).isEqualTo(20.0);
        assertThat(r.peers().stream().filter(p -> !p.startedComplete()).noneMatch(p -> !Double.isNaN(p.completed())))
                .as("20 s of a 256 KiB/s seed cannot deliver 16 MiB").isTrue();
        Sample first = r.samples().get(0), last = r.samples().get(r.samples().size() - 1);
        assertThat(first.fullCopy()).isTrue();
        assertThat(first.seeds()).isEqualTo(1);
        assertThat(last.fullCopy()).isFalse();
        assertThat(last.seeds()).isZero();
        assertThat(last.leechers()).isEqualTo(5);
        assertThat(last.availablePieces()).isLessThan(64).isPositive();
    }

    @Test
    void seedsWhoseEarningsDryUpLeaveAndPaidSeedsStay() {
        Scenario s = ScenarioLoader.load(SMALL, java.util.Map.of(
                "groups.nonbidders.departure", "{type: earnings, seconds: 60, minEarnings: 1}",
                "groups.bidders.departure", "{type: stay}", "groups.plain.departure", "{type: stay}",
                "stopWhenDone", "false", "maxSeconds", "2000"));
        SimResult r = Swarm.run(s);
        for (PeerResult p : r.peers()) {
            if (p.kind() == Kind.NONBIDDER && !p.startedComplete()) {
                assertThat(p.departed()).as("non-bidder %d leaves once nobody pays it", p.id()).isNotNaN();
                assertThat(p.departed() - p.completed()).isGreaterThanOrEqualTo(60.0);
            } else {
                assertThat(p.departed()).isNaN();
            }
        }
    }
}
