package io.btspeed.dht.routing;

import io.btspeed.dht.NodeId;
import io.btspeed.dht.NodeInfo;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Kademlia routing table of one address family (BEP 5; BEP 32 keeps IPv4 and IPv6 apart). Bucket
 * i holds nodes whose id shares exactly i leading bits with ours; the last bucket holds everything
 * closer and is the only one that splits, so the table is dense near our own id and sparse far
 * away. Sans-I/O: the caller passes the time and does the pinging the table asks for.
 */
public final class RoutingTable {
    public static final int MAX_FAILURES = 2;
    public static final long GOOD_FOR_MS = 15 * 60_000L;
    /** Replacement cache size per bucket. */
    static final int REPLACEMENTS = 8;
    /** Do not ping the same questionable node more often than this. */
    static final long PING_INTERVAL_MS = 60_000L;

    private final NodeId self;
    private final int k;
    private final List<Bucket> buckets = new ArrayList<>();
    private final Map<NodeId, NodeEntry> byId = new HashMap<>();
    private final Map<InetSocketAddress, NodeId> byAddress = new HashMap<>();

    public RoutingTable(NodeId self, int k, long now) {
        if (k < 1) throw new IllegalArgumentException("k must be positive");
        this.self = self;
        this.k = k;
        buckets.add(new Bucket(now));
    }

    public NodeId self() {
        return self;
    }

    public int k() {
        return k;
    }

    public int size() {
        return byId.size();
    }

    public int bucketCount() {
        return buckets.size();
    }

    public NodeEntry get(NodeId id) {
        return byId.get(id);
    }

    private int index(NodeId id) {
        return Math.min(self.commonPrefixBits(id), buckets.size() - 1);
    }

    /** The node answered one of our queries: it is good now; adds it if there is room. */
    public void onResponse(NodeInfo node, long now) {
        NodeEntry e = observe(node, now);
        if (e != null) {
            e.responded(now);
            buckets.get(index(node.id())).lastChanged = now;
        }
    }

    /** The node sent us a query: it is alive, but only an answer to our query makes it good. */
    public void onQuery(NodeInfo node, long now) {
        NodeEntry e = observe(node, now);
        if (e != null) e.queriedUs(now);
    }

    /**
     * Our query to it timed out. A node that goes bad gives its place to the newest replacement
     * candidate, if there is one.
     */
    public void onTimeout(NodeId id, long now) {
        NodeEntry e = byId.get(id);
        if (e == null) return;
        e.failed();
        if (e.liveness(now) == Liveness.BAD) {
            Bucket b = buckets.get(index(id));
            if (!b.replacements.isEmpty() && b.entries.contains(e)) {
                remove(b, e);
                NodeEntry r = b.replacements.removeLast();
                if (!byAddress.containsKey(r.node().address()) && !byId.containsKey(r.node().id())) {
                    b.entries.add(r);
                    byId.put(r.node().id(), r);
                    byAddress.put(r.node().address(), r.node().id());
                }
            }
        }
    }

    /**
     * Finds or inserts the entry for the node. Null when it was not admitted (our own id, an id
     * already at another address, or a full bucket: then it waits in the replacement cache).
     */
    private NodeEntry observe(NodeInfo node, long now) {
        if (node.id().equals(self)) return null;
        NodeEntry existing = byId.get(node.id());
        if (existing != null) {
            // an id moving to another address is how routing entries get hijacked: keep the first
            return existing.node().address().equals(node.address()) ? existing : null;
        }
        NodeId atAddress = byAddress.get(node.address());
        if (atAddress != null) {
            // one endpoint, one id: a node restarted with a new id replaces its old entry only once that went bad
            NodeEntry old = byId.get(atAddress);
            if (old.liveness(now) != Liveness.BAD) return null;
            remove(buckets.get(index(atAddress)), old);
        }
        while (true) {
            int i = index(node.id());
            Bucket b = buckets.get(i);
            if (b.entries.size() < k) {
                NodeEntry e = new NodeEntry(node);
                b.entries.add(e);
                b.lastChanged = now;
                byId.put(node.id(), e);
                byAddress.put(node.address(), node.id());
                b.replacements.removeIf(r -> r.node().id().equals(node.id()));
                return e;
            }
            for (NodeEntry e : b.entries) {
                if (e.liveness(now) == Liveness.BAD) {
                    remove(b, e);
                    break;
                }
            }
            if (b.entries.size() < k) continue;
            if (i == buckets.size() - 1 && buckets.size() < NodeId.BITS) {
                split();
                continue;
            }
            addReplacement(b, new NodeEntry(node));
            return null;
        }
    }

    private void addReplacement(Bucket b, NodeEntry e) {
        b.replacements.removeIf(r -> r.node().id().equals(e.node().id()) || r.node().address().equals(e.node().address()));
        b.replacements.add(e);
        if (b.replacements.size() > REPLACEMENTS) b.replacements.removeFirst();
    }

    private void remove(Bucket b, NodeEntry e) {
        b.entries.remove(e);
        byId.remove(e.node().id());
        byAddress.remove(e.node().address());
    }

    /** Splits the last bucket: entries sharing one more bit with us move to the new last bucket. */
    private void split() {
        Bucket last = buckets.getLast();
        Bucket next = new Bucket(last.lastChanged);
        int newIndex = buckets.size();
        buckets.add(next);
        for (var it = last.entries.iterator(); it.hasNext(); ) {
            NodeEntry e = it.next();
            if (self.commonPrefixBits(e.node().id()) >= newIndex) {
                it.remove();
                next.entries.add(e);
            }
        }
        for (var it = last.replacements.iterator(); it.hasNext(); ) {
            NodeEntry e = it.next();
            if (self.commonPrefixBits(e.node().id()) >= newIndex) {
                it.remove();
                next.replacements.add(e);
            }
        }
    }

    /** Up to {@code count} non-bad nodes closest to {@code target}, closest first. */
    public List<NodeInfo> closest(NodeId target, int count) {
        List<NodeEntry> all = new ArrayList<>(byId.size());
        for (NodeEntry e : byId.values()) {
            if (e.failures() < MAX_FAILURES) all.add(e);
        }
        all.sort(Comparator.comparing((NodeEntry e) -> e.node().id(), target::compareDistance));
        List<NodeInfo> out = new ArrayList<>(Math.min(count, all.size()));
        for (int i = 0; i < all.size() && out.size() < count; i++) out.add(all.get(i).node());
        return out;
    }

    /** Every node currently in the table (not the replacement caches). */
    public List<NodeInfo> nodes() {
        List<NodeInfo> out = new ArrayList<>(byId.size());
        for (Bucket b : buckets) for (NodeEntry e : b.entries) out.add(e.node());
        return out;
    }

    /** Good nodes, for the state file: they are the best bootstrap after a restart. */
    public List<NodeInfo> goodNodes(long now) {
        List<NodeInfo> out = new ArrayList<>();
        for (Bucket b : buckets) for (NodeEntry e : b.entries) if (e.liveness(now) == Liveness.GOOD) out.add(e.node());
        return out;
    }

    /**
     * Questionable nodes worth a ping now (each at most once per minute); the caller pings them and
     * reports answers and timeouts. The pinged time is recorded here.
     */
    public List<NodeInfo> nodesToPing(long now, int max) {
        List<NodeInfo> out = new ArrayList<>();
        for (Bucket b : buckets) {
            for (NodeEntry e : b.entries) {
                if (out.size() >= max) return out;
                if (e.liveness(now) == Liveness.QUESTIONABLE
                        && (e.lastPinged() == NodeEntry.NEVER || now - e.lastPinged() >= PING_INTERVAL_MS)) {
                    e.pinged(now);
                    out.add(e.node());
                }
            }
        }
        return out;
    }

    /**
     * BEP 5 refresh: a random target in the range of every bucket that has not changed for 15
     * minutes; the caller runs a find_node for each. Marks those buckets as refreshed.
     */
    public List<NodeId> refreshTargets(long now, RandomGenerator rnd) {
        List<NodeId> out = new ArrayList<>();
        for (int i = 0; i < buckets.size(); i++) {
            Bucket b = buckets.get(i);
            if (now - b.lastChanged >= GOOD_FOR_MS) {
                b.lastChanged = now;
                // the last bucket holds our neighbourhood: a lookup of our own id refreshes it
                out.add(i == buckets.size() - 1 ? self : self.randomWithPrefix(i, rnd));
            }
        }
        return out;
    }

    /**
     * A random target in every bucket's range but the last (ours): after joining, a lookup of each
     * fills the far buckets, which a lookup of our own id never touches.
     */
    public List<NodeId> fillTargets(RandomGenerator rnd) {
        List<NodeId> out = new ArrayList<>();
        for (int i = 0; i < buckets.size() - 1; i++) out.add(self.randomWithPrefix(i, rnd));
        return out;
    }

    /** Entries plus replacement candidates held (for memory accounting). */
    public int replacementCount() {
        int n = 0;
        for (Bucket b : buckets) n += b.replacements.size();
        return n;
    }

    /** Bucket sizes, for tests and diagnostics. */
    public int[] bucketSizes() {
        int[] out = new int[buckets.size()];
        for (int i = 0; i < out.length; i++) out[i] = buckets.get(i).entries.size();
        return out;
    }
}
