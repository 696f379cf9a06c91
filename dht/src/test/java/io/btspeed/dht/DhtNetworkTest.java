package io.btspeed.dht;

import static org.assertj.core.api.Assertions.assertThat;

import io.btspeed.protocol.metainfo.InfoHash;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A network of 200 btspeed nodes on 127.0.0.1 in one JVM: every lookup must reach the true
 * closest node within a bounded number of hops, and announces must be found from anywhere.
 * Prints the hop and time distribution (recorded in docs/DHT.md); times are reported, never asserted.
 */
@Timeout(120)
class DhtNetworkTest {
    static final int NODES = 200;
    static final int LOOKUPS = 200;
    static final long SEED = 5L;
    final List<DhtNode> nodes = new ArrayList<>();

    @AfterEach
    void stop() {
        for (DhtNode n : nodes) n.close();
    }

    @Test
    void lookupsConvergeInFewHopsAndAnnouncesAreFound() throws Exception {
        SplittableRandom rnd = new SplittableRandom(SEED);
        // one source IP for everyone: lift the per-source limit, which is about strangers, not this test
        DhtConfig config = DhtConfig.loopback().withRateLimit(1_000_000, 1_000_000);
        DhtNode first = DhtNode.start(config);
        nodes.add(first);
        InetSocketAddress entry = first.localAddresses().getFirst();
        for (int i = 1; i < NODES; i++) {
            DhtNode n = DhtNode.start(config);
            nodes.add(n);
            n.bootstrap(List.of(entry)).get(20, TimeUnit.SECONDS);
        }
        List<NodeId> ids = nodes.stream().map(DhtNode::id).toList();
        TreeMap<Integer, Integer> hopHistogram = new TreeMap<>();
        List<Long> micros = new ArrayList<>();
        List<Integer> queries = new ArrayList<>();
        int exactTop8 = 0;
        for (int i = 0; i < LOOKUPS; i++) {
            NodeId target = NodeId.random(rnd);
            DhtNode from = nodes.get(rnd.nextInt(NODES));
            LookupResult r = from.findNode(target).get(20, TimeUnit.SECONDS);
            List<NodeId> truth = new ArrayList<>(ids);
            truth.remove(from.id()); // a node never lists itself
            truth.sort(Comparator.comparing(x -> x, target::compareDistance));
            List<NodeId> got = r.closest().stream().map(NodeInfo::id).toList();
            assertThat(got).as("lookup %d (seed %d): the closest node of the network", i, SEED).first().isEqualTo(truth.getFirst());
            if (got.equals(truth.subList(0, 8))) exactTop8++;
            assertThat(r.hops()).as("hops of lookup %d", i).isBetween(1, 8);
            hopHistogram.merge(r.hops(), 1, Integer::sum);
            micros.add(r.nanos() / 1000);
            queries.add(r.queries());
        }
        micros.sort(null);
        queries.sort(null);
        System.out.printf(Locale.ROOT, "DHT network: %d nodes, %d find_node lookups, exact 8 closest in %d%n", NODES, LOOKUPS, exactTop8);
        System.out.println("DHT network: hops -> lookups " + hopHistogram);
        System.out.printf(Locale.ROOT, "DHT network: queries per lookup p50 %d p90 %d max %d%n",
                queries.get(LOOKUPS / 2), queries.get(LOOKUPS * 9 / 10), queries.getLast());
        System.out.printf(Locale.ROOT, "DHT network: lookup time p50 %.1f ms p90 %.1f ms max %.1f ms%n",
                micros.get(LOOKUPS / 2) / 1000.0, micros.get(LOOKUPS * 9 / 10) / 1000.0, micros.getLast() / 1000.0);
        assertThat(exactTop8).as("lookups that found exactly the 8 closest").isGreaterThanOrEqualTo(LOOKUPS * 9 / 10);

        // 10 nodes announce one torrent; a node elsewhere finds all 10
        InfoHash ih = new InfoHash(NodeId.random(rnd).bytes());
        List<InetSocketAddress> expected = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            int port = 10_000 + i;
            assertThat(nodes.get(1 + i * 17).announce(ih, port).get(20, TimeUnit.SECONDS)).isPositive();
            expected.add(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        }
        List<InetSocketAddress> found = nodes.get(NODES - 1).getPeers(ih).get(20, TimeUnit.SECONDS);
        assertThat(found).containsExactlyInAnyOrderElementsOf(expected);
    }
}
