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
}
