package io.btspeed.dht.lookup;

import io.btspeed.dht.NodeId;
import io.btspeed.dht.NodeInfo;
import io.btspeed.dht.krpc.Token;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * Iterative Kademlia lookup (BEP 5 find_node / get_peers) as a pure state machine: the caller asks
 * {@link #next()} whom to query, sends the queries, and reports each answer or timeout. At most
 * {@code alpha} queries are in flight; the lookup is done when the {@code k} closest nodes it knows
 * (ignoring those that failed) have all answered, so no answer can bring anything closer, or when
 * the query budget is spent (a defence against nodes that invent ever "closer" nodes).
 */
public final class Lookup {
    private enum State { FRESH, IN_FLIGHT, RESPONDED, FAILED }

    private static final class Candidate {
        final NodeInfo node;
        final int hop;
        State state = State.FRESH;
        Token token;

        Candidate(NodeInfo node, int hop) {
            this.node = node;
            this.hop = hop;
        }
    }

    private final NodeId target;
    private final int k;
    private final int alpha;
    private final int maxQueries;
    /** Known nodes by distance to the target; trimmed so hostile answers cannot grow it without bound. */
    private final TreeMap<NodeId, Candidate> candidates;
    private final Set<InetSocketAddress> addresses = new java.util.HashSet<>();
    private final Set<InetSocketAddress> values = new LinkedHashSet<>();
    private int inFlight;
    private int queries;
    private int responses;

    public Lookup(NodeId target, int k, int alpha, int maxQueries, Collection<NodeInfo> seeds) {
        if (k < 1 || alpha < 1 || maxQueries < 1) throw new IllegalArgumentException("k, alpha and maxQueries must be positive");
        this.target = target;
        this.k = k;
        this.alpha = alpha;
        this.maxQueries = maxQueries;
        this.candidates = new TreeMap<>(target::compareDistance);
        for (NodeInfo n : seeds) add(n, 0);
    }

    public static Lookup standard(NodeId target, Collection<NodeInfo> seeds) {
        return new Lookup(target, 8, 3, 256, seeds);
    }

    public NodeId target() {
        return target;
    }

    private void add(NodeInfo n, int hop) {
        if (candidates.containsKey(n.id()) || addresses.contains(n.address())) return;
        candidates.put(n.id(), new Candidate(n, hop));
        addresses.add(n.address());
        // keep 4k: enough slack for failures among the closest without unbounded growth
        if (candidates.size() > 4 * k) {
            // drop the farthest one not awaiting an answer (its answer must still find it)
            for (var it = candidates.descendingMap().values().iterator(); it.hasNext(); ) {
                Candidate far = it.next();
                if (far.state != State.IN_FLIGHT) {
                    it.remove();
                    addresses.remove(far.node.address());
                    break;
                }
            }
        }
    }

    /** Nodes to query now (they count as in flight until answered or failed). */
    public List<NodeInfo> next() {
        List<NodeInfo> out = new ArrayList<>();
        if (isDone()) return out;
        int closestSeen = 0;
        for (Candidate c : candidates.values()) {
            if (inFlight >= alpha || queries >= maxQueries || closestSeen >= k) break;
            if (c.state == State.FAILED) continue;
            closestSeen++;
            if (c.state == State.FRESH) {
                c.state = State.IN_FLIGHT;
                inFlight++;
                queries++;
                out.add(c.node);
            }
        }
        return out;
    }

    /**
     * An answer from {@code from}. {@code closer} are the nodes it returned; {@code peers} and
     * {@code token} come with get_peers. Answers from nodes we did not ask are ignored.
     */
    public void onResponse(NodeInfo from, List<NodeInfo> closer, List<InetSocketAddress> peers, Token token) {
        Candidate c = candidates.get(from.id());
        if (c == null || c.state != State.IN_FLIGHT) return;
        c.state = State.RESPONDED;
        c.token = token;
        inFlight--;
        responses++;
        values.addAll(peers);
        for (NodeInfo n : closer) add(n, c.hop + 1);
    }

    /** Our query to {@code node} timed out or came back as an error. */
    public void onFailure(NodeInfo node) {
        Candidate c = candidates.get(node.id());
        if (c == null || c.state != State.IN_FLIGHT) return;
        c.state = State.FAILED;
        inFlight--;
    }

    /** Whether the k closest non-failed nodes all answered (or the budget is spent and nothing is in flight). */
    public boolean isDone() {
        if (inFlight > 0 && queries < maxQueries) {
            return false;
        }
        if (queries >= maxQueries) return inFlight == 0;
        int seen = 0;
        for (Candidate c : candidates.values()) {
            if (c.state == State.FAILED) continue;
            if (c.state != State.RESPONDED) return false;
            if (++seen >= k) break;
        }
        return true;
    }

    /** The k closest nodes that answered, closest first. */
    public List<NodeInfo> closest() {
        List<NodeInfo> out = new ArrayList<>();
        for (Candidate c : candidates.values()) {
            if (c.state == State.RESPONDED) out.add(c.node);
            if (out.size() >= k) break;
        }
        return out;
    }

    /** Of the k closest that answered, those that gave a write token (announce_peer targets). */
    public List<Announceable> announceTargets() {
        List<Announceable> out = new ArrayList<>();
        int seen = 0;
        for (Candidate c : candidates.values()) {
            if (c.state != State.RESPONDED) continue;
            if (c.token != null) out.add(new Announceable(c.node, c.token));
            if (++seen >= k) break;
        }
        return out;
    }

    /** A node and the token it gave us. */
    public record Announceable(NodeInfo node, Token token) {}

    /** Peers gathered from every answer so far (get_peers). */
    public List<InetSocketAddress> peers() {
        return List.copyOf(values);
    }

    /** Hops to reach the closest answering node: 1 = a node we started from. */
    public int hops() {
        for (Candidate c : candidates.values()) {
            if (c.state == State.RESPONDED) return c.hop + 1;
        }
        return 0;
    }

    public int queriesSent() {
        return queries;
    }

    public int responses() {
        return responses;
    }

    public int inFlight() {
        return inFlight;
    }
}
