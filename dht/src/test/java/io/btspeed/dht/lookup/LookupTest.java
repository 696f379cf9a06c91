package io.btspeed.dht.lookup;

import static org.assertj.core.api.Assertions.assertThat;

import io.btspeed.dht.NodeId;
import io.btspeed.dht.NodeInfo;
import io.btspeed.dht.krpc.Token;
import io.btspeed.dht.routing.RoutingTable;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The lookup state machine driven by hand over a simulated network of routing tables. */
class LookupTest {
    static final long SEED = 20261122L;
    final SplittableRandom rnd = new SplittableRandom(SEED);
    final List<NodeInfo> nodes = new ArrayList<>();
    final Map<NodeId, RoutingTable> tables = new HashMap<>();

    void network(int n) {
        for (int i = 0; i < n; i++) {
            nodes.add(new NodeInfo(NodeId.random(rnd), new InetSocketAddress(InetAddress.ofLiteral("10.0." + (i >> 8) + "." + (i & 0xff)), 6881)));
        }
        for (NodeInfo me : nodes) {
            RoutingTable t = new RoutingTable(me.id(), 8, 0);
            for (NodeInfo other : nodes) t.onResponse(other, 0);
            tables.put(me.id(), t);
        }
    }

    List<NodeInfo> bruteForceClosest(NodeId target, int k) {
        List<NodeInfo> all = new ArrayList<>(nodes);
        all.sort(Comparator.comparing(NodeInfo::id, target::compareDistance));
        return all.subList(0, k);
    }

    /** Runs the lookup answering in FIFO order; {@code dead} nodes never answer. */
    Lookup run(Lookup l, java.util.Set<NodeId> dead) {
        ArrayDeque<NodeInfo> inFlight = new ArrayDeque<>();
        int rounds = 0;
        while (!l.isDone()) {
            List<NodeInfo> next = l.next();
            inFlight.addAll(next);
            assertThat(l.inFlight()).isLessThanOrEqualTo(3);
            NodeInfo n = inFlight.poll();
            assertThat(n).as("a lookup that is not done has something in flight").isNotNull();
            if (dead.contains(n.id())) l.onFailure(n);
            else l.onResponse(n, tables.get(n.id()).closest(l.target(), 8), List.of(), new Token(new byte[] {1}));
            assertThat(++rounds).isLessThan(1000);
        }
        return l;
    }

    @Test
    void findsTheExactKClosestOfTheWholeNetwork() {
        network(300);
        for (int trial = 0; trial < 20; trial++) {
            NodeId target = NodeId.random(rnd);
            NodeInfo start = nodes.get(rnd.nextInt(nodes.size()));
            Lookup l = run(Lookup.standard(target, tables.get(start.id()).closest(target, 8)), java.util.Set.of());
            assertThat(l.closest()).as("seed %d trial %d", SEED, trial).containsExactlyElementsOf(bruteForceClosest(target, 8));
            assertThat(l.hops()).isBetween(1, 8);
            assertThat(l.announceTargets()).hasSize(8);
        }
    }

    @Test
    void deadNodesAreRoutedAround() {
        network(200);
        java.util.Set<NodeId> dead = new java.util.HashSet<>();
        for (int i = 0; i < 40; i++) dead.add(nodes.get(rnd.nextInt(nodes.size())).id());
        NodeId target = NodeId.random(rnd);
        NodeInfo start = nodes.stream().filter(n -> !dead.contains(n.id())).findFirst().orElseThrow();
        Lookup l = run(Lookup.standard(target, tables.get(start.id()).closest(target, 8)), dead);
        List<NodeInfo> live = new ArrayList<>(nodes.stream().filter(n -> !dead.contains(n.id())).toList());
        live.sort(Comparator.comparing(NodeInfo::id, target::compareDistance));
        // answers carry 8 nodes each, so a live node ranked just behind 8 dead-or-alive closer ones can
        // stay unseen (plain Kademlia); what must hold: only live nodes, the nearest live ones, none far off
        assertThat(l.closest()).hasSize(8).allMatch(n -> !dead.contains(n.id()));
        assertThat(l.closest()).containsAll(live.subList(0, 5));
        assertThat(live.subList(0, 12)).containsAll(l.closest());
    }

    @Test
    void nodesInventingEverCloserNodesCannotKeepItGoing() {
        NodeId target = NodeId.random(rnd);
        List<NodeInfo> seeds = List.of(new NodeInfo(target.randomWithPrefix(1, rnd), new InetSocketAddress(InetAddress.ofLiteral("10.9.9.9"), 1)));
        Lookup l = new Lookup(target, 8, 3, 50, seeds);
        int port = 2;
        int steps = 0;
        while (!l.isDone()) {
            for (NodeInfo n : l.next()) {
                // every answer claims 8 fresh nodes one bit closer than the asker
                List<NodeInfo> fake = new ArrayList<>();
                int p = Math.min(159, n.id().commonPrefixBits(target) + 1);
                for (int i = 0; i < 8; i++) fake.add(new NodeInfo(target.randomWithPrefix(p, rnd), new InetSocketAddress(InetAddress.ofLiteral("10.9.9.9"), port++)));
                l.onResponse(n, fake, List.of(), null);
            }
            assertThat(++steps).isLessThan(200);
        }
        assertThat(l.queriesSent()).isEqualTo(50);
    }

    @Test
    void answersFromNodesNotAskedAreIgnoredAndPeersCollected() {
        network(20);
        NodeId target = NodeId.random(rnd);
        Lookup l = Lookup.standard(target, List.of(nodes.get(0)));
        List<NodeInfo> first = l.next();
        assertThat(first).containsExactly(nodes.get(0));
        InetSocketAddress peer = new InetSocketAddress(InetAddress.ofLiteral("1.2.3.4"), 5);
        l.onResponse(nodes.get(1), List.of(nodes.get(2)), List.of(peer), null); // never asked
        assertThat(l.responses()).isZero();
        l.onResponse(nodes.get(0), List.of(), List.of(peer), null);
        assertThat(l.peers()).containsExactly(peer);
        assertThat(l.isDone()).isTrue();
    }
}
