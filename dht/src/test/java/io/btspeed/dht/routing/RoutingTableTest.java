package io.btspeed.dht.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.btspeed.dht.NodeId;
import io.btspeed.dht.NodeInfo;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RoutingTableTest {
    static final long MIN = 60_000;
    final SplittableRandom rnd = new SplittableRandom(42);
    final NodeId self = NodeId.random(rnd);
    int nextPort = 1000;

    NodeInfo node(NodeId id) {
        return new NodeInfo(id, new InetSocketAddress(InetAddress.ofLiteral("10.0.0.1"), nextPort++));
    }

    @Test
    void farBucketHoldsKAndKeepsTheRestAsReplacements() {
        RoutingTable t = new RoutingTable(self, 8, 0);
        // all differ in bit 0: bucket 0, which never splits once the own bucket moved on
        for (int i = 0; i < 8; i++) t.onResponse(node(self.randomWithPrefix(5, rnd)), 0); // fills and splits toward us
        for (int i = 0; i < 20; i++) t.onResponse(node(self.randomWithPrefix(0, rnd)), 0);
        assertThat(t.bucketSizes()[0]).isEqualTo(8);
        assertThat(t.replacementCount()).isEqualTo(8); // 12 left over, cache keeps the newest 8
    }

    @Test
    void ownBucketSplitsSoNearNodesAllFit() {
        RoutingTable t = new RoutingTable(self, 8, 0);
        List<NodeInfo> all = new ArrayList<>();
        for (int p = 0; p < 40; p++) {
            NodeInfo n = node(self.randomWithPrefix(p, rnd));
            all.add(n);
            t.onResponse(n, 0);
        }
        // one node per prefix length: every one has a bucket of its own
        assertThat(t.size()).isEqualTo(40);
        assertThat(t.bucketCount()).isGreaterThanOrEqualTo(33);
        assertThat(t.nodes()).containsExactlyInAnyOrderElementsOf(all);
    }

    @Test
    void livenessFollowsBep5() {
        RoutingTable t = new RoutingTable(self, 8, 0);
        NodeInfo n = node(NodeId.random(rnd));
        t.onQuery(n, 0);
        assertThat(t.get(n.id()).liveness(0)).isEqualTo(Liveness.QUESTIONABLE); // queried us, never answered
        t.onResponse(n, 10);
        assertThat(t.get(n.id()).liveness(14 * MIN)).isEqualTo(Liveness.GOOD);
        assertThat(t.get(n.id()).liveness(16 * MIN)).isEqualTo(Liveness.QUESTIONABLE);
        t.onQuery(n, 16 * MIN);
        assertThat(t.get(n.id()).liveness(17 * MIN)).isEqualTo(Liveness.GOOD); // answered once and queried us lately
        t.onTimeout(n.id(), 31 * MIN);
        t.onTimeout(n.id(), 31 * MIN);
        assertThat(t.get(n.id()).liveness(31 * MIN)).isEqualTo(Liveness.BAD);
        assertThat(t.closest(n.id(), 8)).doesNotContain(n);
    }

    @Test
    void badNodeGivesWayToNewestReplacement() {
        RoutingTable t = new RoutingTable(self, 2, 0);
        // first force the own bucket to split away from bucket 0
        t.onResponse(node(self.randomWithPrefix(3, rnd)), 0);
        t.onResponse(node(self.randomWithPrefix(4, rnd)), 0);
        NodeInfo a = node(self.randomWithPrefix(0, rnd));
        NodeInfo b = node(self.randomWithPrefix(0, rnd));
        NodeInfo c = node(self.randomWithPrefix(0, rnd));
        NodeInfo d = node(self.randomWithPrefix(0, rnd));
        t.onResponse(a, 0);
        t.onResponse(b, 0);
        t.onResponse(c, 0); // full: replacement
        t.onResponse(d, 0); // newest replacement
        assertThat(t.get(c.id())).isNull();
        t.onTimeout(a.id(), 1);
        t.onTimeout(a.id(), 1);
        assertThat(t.get(a.id())).isNull();
        assertThat(t.get(d.id())).isNotNull();
    }

    @Test
    void anIdCannotMoveToAnotherAddressAndAnAddressKeepsItsId() {
        RoutingTable t = new RoutingTable(self, 8, 0);
        NodeInfo n = node(NodeId.random(rnd));
        t.onResponse(n, 0);
        NodeInfo hijack = node(n.id());
        t.onResponse(hijack, 0);
        assertThat(t.get(n.id()).node()).isEqualTo(n);
        NodeInfo sameAddressNewId = new NodeInfo(NodeId.random(rnd), n.address());
        t.onResponse(sameAddressNewId, 0);
        assertThat(t.get(sameAddressNewId.id())).isNull();
        assertThat(t.size()).isEqualTo(1);
    }

    @Test
    void ourOwnIdNeverEntersTheTable() {
        RoutingTable t = new RoutingTable(self, 8, 0);
        t.onResponse(node(self), 0);
        assertThat(t.size()).isZero();
    }

    @Test
    void closestMatchesBruteForce() {
        RoutingTable t = new RoutingTable(self, 8, 0);
        for (int i = 0; i < 500; i++) t.onResponse(node(NodeId.random(rnd)), 0);
        NodeId target = NodeId.random(rnd);
        List<NodeInfo> expected = new ArrayList<>(t.nodes());
        expected.sort(Comparator.comparing(NodeInfo::id, target::compareDistance));
        assertThat(t.closest(target, 8)).containsExactlyElementsOf(expected.subList(0, 8));
        // a full table is at most 8 per bucket
        for (int s : t.bucketSizes()) assertThat(s).isLessThanOrEqualTo(8);
    }

    @Test
    void quietBucketsAskForRefreshAndQuestionableNodesForPings() {
        RoutingTable t = new RoutingTable(self, 8, 0);
        NodeInfo n = node(self.randomWithPrefix(0, rnd));
        t.onResponse(n, 0);
        assertThat(t.refreshTargets(10 * MIN, rnd)).isEmpty();
        List<NodeId> targets = t.refreshTargets(16 * MIN, rnd);
        assertThat(targets).isNotEmpty();
        assertThat(t.refreshTargets(16 * MIN, rnd)).isEmpty(); // marked refreshed
        assertThat(t.nodesToPing(10 * MIN, 10)).isEmpty(); // still good
        assertThat(t.nodesToPing(16 * MIN, 10)).containsExactly(n);
        assertThat(t.nodesToPing(16 * MIN + 1, 10)).isEmpty(); // once a minute at most
    }
}
