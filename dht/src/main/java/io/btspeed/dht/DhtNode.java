package io.btspeed.dht;

import io.btspeed.dht.krpc.KrpcCodec;
import io.btspeed.dht.krpc.KrpcException;
import io.btspeed.dht.krpc.KrpcMessage;
import io.btspeed.dht.krpc.Token;
import io.btspeed.dht.krpc.TransactionId;
import io.btspeed.dht.krpc.Want;
import io.btspeed.dht.lookup.Lookup;
import io.btspeed.dht.routing.RoutingTable;
import io.btspeed.dht.store.PeerStore;
import io.btspeed.dht.store.TokenSecrets;
import io.btspeed.protocol.metainfo.InfoHash;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A mainline DHT node (BEP 5, BEP 32): UDP sockets, a receive loop per socket on a virtual thread,
 * the transaction table, and the glue that feeds the pure parts (routing tables, tokens, peer
 * store, lookups) with packets and time. Every piece of state is guarded by this object's lock;
 * packets from outside are rate-limited per source IP before decoding, and a packet we cannot
 * accept is answered with a KRPC error (queries) or dropped (anything else).
 */
public final class DhtNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DhtNode.class);
    private static final int K = 8;
    private static final int ALPHA = 3;
    private static final int MAX_LOOKUP_QUERIES = 256;
    private static final int MAX_PENDING = 4096;
    /** Peers per get_peers answer: 100 × 6 bytes keeps the datagram far below 1500 bytes with nodes. */
    private static final int VALUES_PER_REPLY = 100;
    private static final long MAINTENANCE_MS = 200;
    private static final long SLOW_MAINTENANCE_MS = 60_000;

    enum Family { V4, V6 }

    private record Pending(InetSocketAddress to, NodeId expectedId, long deadlineNanos, Reply reply) {}

    private interface Reply {
        void response(KrpcMessage.Response r, NodeInfo from);

        void failure();
    }

    private final DhtConfig config;
    private final NodeId id;
    private final SecureRandom random = new SecureRandom();
    private final List<DatagramChannel> channels;
    private final Map<Family, DatagramChannel> sendChannel = new EnumMap<>(Family.class);
    private final Map<Family, RoutingTable> tables = new EnumMap<>(Family.class);
    private final TokenSecrets tokens;
    private final PeerStore peerStore = PeerStore.defaults();
    private final SourceRateLimiter limiter;
    private final Map<TransactionId, Pending> pending = new HashMap<>();
    /** Queries in flight per destination: an answer from there is expected and skips the rate limit. */
    private final Map<InetSocketAddress, Integer> awaiting = new HashMap<>();
    private final List<Thread> threads = new ArrayList<>();
    private final long epochNanos = System.nanoTime();
    private int nextTid;
    private volatile boolean closed;
    private long queriesAnswered;
    private long malformed;
    private long rateLimited;
    private long lastSlowMaintenance;

    private DhtNode(DhtConfig config, NodeId id, List<DatagramChannel> channels) throws IOException {
        this.config = config;
        this.id = id;
        this.channels = channels;
        this.limiter = new SourceRateLimiter(config.ratePerSecond(), config.rateBurst(), 65_536);
        long now = nowMillis();
        this.tokens = new TokenSecrets(random, TokenSecrets.DEFAULT_ROTATE_MS, now);
        this.nextTid = random.nextInt(1 << 16);
        for (DatagramChannel ch : channels) {
            InetSocketAddress local = (InetSocketAddress) ch.getLocalAddress();
            InetAddress a = local.getAddress();
            boolean dualStack = a.isAnyLocalAddress() && a instanceof Inet6Address;
            if (a instanceof Inet4Address || dualStack) sendChannel.putIfAbsent(Family.V4, ch);
            if (a instanceof Inet6Address) sendChannel.putIfAbsent(Family.V6, ch);
        }
        for (Family f : sendChannel.keySet()) tables.put(f, new RoutingTable(id, K, now));
    }

    /** Binds the sockets, loads or makes the node id, starts the loops and bootstraps from the configured nodes. */
    public static DhtNode start(DhtConfig config) throws IOException {
        NodeStateFile.Saved saved = NodeStateFile.load(config.stateFile());
        NodeId id = saved.id() != null ? saved.id() : NodeId.random(new SecureRandom());
        List<DatagramChannel> channels = bind(config);
        DhtNode node;
        try {
            node = new DhtNode(config, id, channels);
        } catch (IOException | RuntimeException e) {
            for (DatagramChannel ch : channels) ch.close();
            throw e;
        }
        node.startThreads();
        List<InetSocketAddress> boot = new ArrayList<>(config.bootstrap());
        boot.addAll(saved.nodes());
        if (!boot.isEmpty()) node.bootstrap(boot);
        return node;
    }

    private static List<DatagramChannel> bind(DhtConfig config) throws IOException {
        List<DatagramChannel> out = new ArrayList<>();
        try {
            if (config.bindAddresses().isEmpty()) {
                DatagramChannel ch = DatagramChannel.open(); // dual-stack where the machine has IPv6
                ch.bind(new InetSocketAddress(config.port()));
                out.add(ch);
            } else {
                int port = config.port();
                for (InetAddress a : config.bindAddresses()) {
                    DatagramChannel ch = DatagramChannel.open(a instanceof Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
                    out.add(ch);
                    ch.bind(new InetSocketAddress(a, port));
                    // with port 0 the first socket picks one; the others share it so peers see one DHT port
                    port = ((InetSocketAddress) ch.getLocalAddress()).getPort();
                }
            }
        } catch (IOException | RuntimeException e) {
            for (DatagramChannel ch : out) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // already failing
                }
            }
            throw e;
        }
        return out;
    }

    private void startThreads() {
        for (DatagramChannel ch : channels) {
            threads.add(Thread.ofVirtual().name("dht-recv-" + port()).start(() -> receiveLoop(ch)));
        }
        threads.add(Thread.ofVirtual().name("dht-maint-" + port()).start(this::maintenanceLoop));
    }

    public NodeId id() {
        return id;
    }

    /** The UDP port every socket of this node listens on. */
    public int port() {
        return localAddresses().getFirst().getPort();
    }

    public List<InetSocketAddress> localAddresses() {
        List<InetSocketAddress> out = new ArrayList<>();
        for (DatagramChannel ch : channels) {
            try {
                out.add((InetSocketAddress) ch.getLocalAddress());
            } catch (IOException e) {
                // closed: not listening there any more
            }
        }
        return out;
    }

    /** Whether this node can reach IPv6 nodes. */
    public boolean hasIpv6() {
        return sendChannel.containsKey(Family.V6);
    }

    // ---------------------------------------------------------------- public operations

    /**
     * Joins the network through the given nodes: asks each for the nodes closest to our id, then
     * looks our own id up through everything learnt. Completes with the routing table size.
     */
    public CompletableFuture<Integer> bootstrap(List<InetSocketAddress> nodes) {
        List<CompletableFuture<Void>> asked = new ArrayList<>();
        synchronized (this) {
            for (InetSocketAddress a : nodes) {
                if (a.isUnresolved() || a.getPort() == 0) continue;
                Family f = family(a);
                if (!sendChannel.containsKey(f)) continue;
                CompletableFuture<Void> done = new CompletableFuture<>();
                asked.add(done);
                boolean sent = send(a, null, t -> new KrpcMessage.FindNode(t, id, id, Want.DEFAULT, false), new Reply() {
                    public void response(KrpcMessage.Response r, NodeInfo from) {
                        // the answer's nodes are unverified: they enter the table only once they answer us too
                        RoutingTable table = tables.get(f);
                        for (NodeInfo n : withoutSelf(f == Family.V4 ? r.nodes() : r.nodes6())) {
                            if (table.size() < 4 * K) ping(n);
                        }
                        done.complete(null);
                    }

                    public void failure() {
                        done.complete(null);
                    }
                });
                if (!sent) done.complete(null);
            }
        }
        return CompletableFuture.allOf(asked.toArray(CompletableFuture[]::new))
                .thenCompose(v -> findNode(id))
                .thenCompose(v -> fillBuckets())
                .thenApply(v -> routingTableSize());
    }

    /**
     * Pings a node we heard of outside the DHT (a peer's PORT message, BEP 5); if it answers it
     * enters the routing table like any node that answers us. Completes with whether it answered.
     * Addresses already being asked are not asked twice, so a peer repeating PORT costs nothing.
     */
    public CompletableFuture<Boolean> ping(InetSocketAddress to) {
        CompletableFuture<Boolean> answered = new CompletableFuture<>();
        synchronized (this) {
            if (to.isUnresolved() || to.getPort() == 0 || !sendChannel.containsKey(family(to)) || awaiting.containsKey(to)) {
                answered.complete(false);
                return answered;
            }
            boolean sent = send(to, null, t -> new KrpcMessage.Ping(t, id, false), new Reply() {
                public void response(KrpcMessage.Response r, NodeInfo from) {
                    answered.complete(true);
                }

                public void failure() {
                    answered.complete(false);
                }
            });
            if (!sent) answered.complete(false);
        }
        return answered;
    }

    /** One lookup per far bucket, so the table knows nodes across the whole id space, not only near us. */
    private CompletableFuture<Void> fillBuckets() {
        List<CompletableFuture<Lookup>> runs = new ArrayList<>();
        synchronized (this) {
            for (Family f : families()) {
                for (NodeId target : tables.get(f).fillTargets(random)) runs.add(runLookup(f, target, null));
            }
        }
        return CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new));
    }

    /** Iterative find_node for {@code target} over every family. */
    public CompletableFuture<LookupResult> findNode(NodeId target) {
        return lookup(target, null);
    }

    /** Peers of the torrent from the DHT (iterative get_peers), plus any announced to this node itself. */
    public CompletableFuture<List<InetSocketAddress>> getPeers(InfoHash infoHash) {
        return lookup(new NodeId(infoHash.bytes()), infoHash).thenApply(r -> {
            Set<InetSocketAddress> all = new LinkedHashSet<>(r.peers());
            synchronized (this) {
                all.addAll(peerStore.peers(infoHash, VALUES_PER_REPLY, nowMillis(), random));
            }
            return List.copyOf(all);
        });
    }

    /** Announces that we serve the torrent on TCP {@code port}; completes with how many nodes accepted. */
    public CompletableFuture<Integer> announce(InfoHash infoHash, int port) {
        return announce(infoHash, port, false);
    }

    /**
     * get_peers toward the info-hash, then announce_peer with each closest node's token.
     *
     * @param impliedPort ask nodes to take the port from our UDP source port (BEP 5 implied_port)
     */
    public CompletableFuture<Integer> announce(InfoHash infoHash, int port, boolean impliedPort) {
        if (port < 1 || port > 65535) throw new IllegalArgumentException("port out of range: " + port);
        NodeId target = new NodeId(infoHash.bytes());
        List<CompletableFuture<Integer>> perFamily = new ArrayList<>();
        for (Family f : families()) {
            perFamily.add(runLookup(f, target, infoHash).thenCompose(lookup -> {
                List<CompletableFuture<Integer>> acks = new ArrayList<>();
                synchronized (this) {
                    for (Lookup.Announceable a : lookup.announceTargets()) {
                        CompletableFuture<Integer> ack = new CompletableFuture<>();
                        acks.add(ack);
                        boolean sent = send(a.node().address(), a.node().id(),
                                t -> new KrpcMessage.AnnouncePeer(t, id, infoHash, port, impliedPort, a.token(), false),
                                new Reply() {
                                    public void response(KrpcMessage.Response r, NodeInfo from) {
                                        ack.complete(1);
                                    }

                                    public void failure() {
                                        ack.complete(0);
                                    }
                                });
                        if (!sent) ack.complete(0);
                    }
                }
                return CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new))
                        .thenApply(v -> acks.stream().mapToInt(CompletableFuture::join).sum());
            }));
        }
        return CompletableFuture.allOf(perFamily.toArray(CompletableFuture[]::new))
                .thenApply(v -> perFamily.stream().mapToInt(CompletableFuture::join).sum());
    }

    public synchronized int routingTableSize() {
        int n = 0;
        for (RoutingTable t : tables.values()) n += t.size();
        return n;
    }

    /** A copy of the nodes in the routing tables (diagnostics, tests). */
    public synchronized List<NodeInfo> routingNodes() {
        List<NodeInfo> out = new ArrayList<>();
        for (RoutingTable t : tables.values()) out.addAll(t.nodes());
        return out;
    }

    public synchronized DhtStats stats() {
        RoutingTable v4 = tables.get(Family.V4);
        RoutingTable v6 = tables.get(Family.V6);
        return new DhtStats(v4 == null ? 0 : v4.size(), v6 == null ? 0 : v6.size(), peerStore.torrentCount(),
                peerStore.peerCount(), queriesAnswered, malformed, rateLimited, pending.size());
    }

    // ---------------------------------------------------------------- lookups

    private List<Family> families() {
        return List.copyOf(sendChannel.keySet());
    }

    private CompletableFuture<LookupResult> lookup(NodeId target, InfoHash getPeers) {
        long start = System.nanoTime();
        List<CompletableFuture<Lookup>> runs = new ArrayList<>();
        for (Family f : families()) runs.add(runLookup(f, target, getPeers));
        return CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).thenApply(v -> {
            List<NodeInfo> closest = new ArrayList<>();
            Set<InetSocketAddress> peers = new LinkedHashSet<>();
            int hops = 0;
            int queries = 0;
            for (CompletableFuture<Lookup> r : runs) {
                Lookup l = r.join();
                closest.addAll(l.closest());
                peers.addAll(l.peers());
                hops = Math.max(hops, l.hops());
                queries += l.queriesSent();
            }
            return new LookupResult(closest, List.copyOf(peers), hops, queries, System.nanoTime() - start);
        });
    }

    private CompletableFuture<Lookup> runLookup(Family f, NodeId target, InfoHash getPeers) {
        CompletableFuture<Lookup> done = new CompletableFuture<>();
        synchronized (this) {
            Lookup lookup = new Lookup(target, K, ALPHA, MAX_LOOKUP_QUERIES, tables.get(f).closest(target, 4 * K));
            pump(f, lookup, getPeers, done);
        }
        return done;
    }

    /** Sends the queries the lookup asks for; completes it when it is done. Caller holds the lock. */
    private void pump(Family f, Lookup lookup, InfoHash getPeers, CompletableFuture<Lookup> done) {
        while (true) {
            List<NodeInfo> next = lookup.next();
            boolean anyFailedToSend = false;
            for (NodeInfo n : next) {
                Reply reply = new Reply() {
                    public void response(KrpcMessage.Response r, NodeInfo from) {
                        lookup.onResponse(n, withoutSelf(f == Family.V4 ? r.nodes() : r.nodes6()), r.values(), r.token());
                        pump(f, lookup, getPeers, done);
                    }

                    public void failure() {
                        lookup.onFailure(n);
                        pump(f, lookup, getPeers, done);
                    }
                };
                boolean sent = send(n.address(), n.id(), t -> getPeers == null
                        ? new KrpcMessage.FindNode(t, id, lookup.target(), Want.DEFAULT, false)
                        : new KrpcMessage.GetPeers(t, id, getPeers, Want.DEFAULT, false), reply);
                if (!sent) {
                    lookup.onFailure(n);
                    anyFailedToSend = true;
                }
            }
            if (!anyFailedToSend) break;
        }
        if (lookup.isDone() && !done.isDone()) {
            // complete outside the lock's call chain: callers may block or start new lookups in callbacks
            Thread.ofVirtual().start(() -> done.complete(lookup));
        }
    }

    /** Others list us too; querying ourselves would only wait for a timeout. */
    private List<NodeInfo> withoutSelf(List<NodeInfo> nodes) {
        List<NodeInfo> out = new ArrayList<>(nodes.size());
        for (NodeInfo n : nodes) if (!n.id().equals(id)) out.add(n);
        return out;
    }

    private void ping(NodeInfo n) {
        send(n.address(), n.id(), t -> new KrpcMessage.Ping(t, id, false), new Reply() {
            public void response(KrpcMessage.Response r, NodeInfo from) { }

            public void failure() { }
        });
    }

    // ---------------------------------------------------------------- sending

    private interface QueryMaker {
        KrpcMessage.Query make(TransactionId t);
    }

    /** Registers a transaction and sends the query. Caller holds the lock. False when it could not be sent. */
    private boolean send(InetSocketAddress to, NodeId expectedId, QueryMaker maker, Reply reply) {
        if (closed || pending.size() >= MAX_PENDING) return false;
        DatagramChannel ch = sendChannel.get(family(to));
        if (ch == null) return false;
        TransactionId t;
        do {
            nextTid = (nextTid + 1) & 0xffff;
            t = TransactionId.ofShort(nextTid);
        } while (pending.containsKey(t));
        long deadline = System.nanoTime() + config.queryTimeout().toNanos();
        pending.put(t, new Pending(to, expectedId, deadline, reply));
        awaiting.merge(to, 1, Integer::sum);
        if (!transmit(ch, KrpcCodec.encode(maker.make(t)), to)) {
            removePending(t);
            return false;
        }
        return true;
    }

    private Pending removePending(TransactionId t) {
        Pending p = pending.remove(t);
        if (p != null) awaiting.computeIfPresent(p.to(), (k, n) -> n > 1 ? n - 1 : null);
        return p;
    }

    private boolean transmit(DatagramChannel ch, byte[] packet, InetSocketAddress to) {
        try {
            ch.send(ByteBuffer.wrap(packet), to);
            return true;
        } catch (IOException e) {
            // unreachable network, closed socket: the query counts as failed, the node goes on
            log.debug("DHT send to {} failed: {}", to, e.toString());
            return false;
        }
    }

    private static Family family(InetSocketAddress a) {
        return a.getAddress() instanceof Inet6Address ? Family.V6 : Family.V4;
    }

    private long nowMillis() {
        return (System.nanoTime() - epochNanos) / 1_000_000L;
    }

    // ---------------------------------------------------------------- receiving

    private void receiveLoop(DatagramChannel ch) {
        ByteBuffer buf = ByteBuffer.allocate(65_536);
        while (!closed) {
            InetSocketAddress from;
            try {
                buf.clear();
                from = (InetSocketAddress) ch.receive(buf);
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (closed) return;
                log.debug("DHT receive failed: {}", e.toString());
                continue;
            }
            if (from == null) continue;
            buf.flip();
            try {
                onPacket(ch, buf.array(), buf.limit(), from);
            } catch (RuntimeException e) {
                // a bug must not end the loop: the node would go deaf to everyone for one bad packet
                log.warn("DHT packet from {} could not be handled", from, e);
            }
        }
    }

    /** One datagram from outside: rate limit, decode, dispatch. */
    private void onPacket(DatagramChannel ch, byte[] data, int len, InetSocketAddress from) {
        if (from.getPort() == 0) return;
        boolean expected;
        synchronized (this) {
            expected = awaiting.containsKey(from);
        }
        // the limiter always counts; it only drops what we did not ask for, so many nodes behind one
        // address (a NAT, a loopback test network) can still answer our lookups at full speed
        if (!limiter.allow(from.getAddress(), System.nanoTime()) && !expected) {
            synchronized (this) {
                rateLimited++;
            }
            return;
        }
        KrpcMessage m;
        try {
            m = KrpcCodec.decode(data, 0, len);
        } catch (KrpcException e) {
            KrpcMessage.Error reply = e.toReply();
            synchronized (this) {
                malformed++;
            }
            if (reply != null) transmit(ch, KrpcCodec.encode(reply), from);
            return;
        }
        synchronized (this) {
            switch (m) {
                case KrpcMessage.Query q -> onQuery(ch, q, from);
                case KrpcMessage.Response r -> onResponse(r, from);
                case KrpcMessage.Error e -> onError(e, from);
            }
        }
    }

    private void onQuery(DatagramChannel ch, KrpcMessage.Query q, InetSocketAddress from) {
        long now = nowMillis();
        Family f = family(from);
        RoutingTable table = tables.get(f);
        if (q.sender().equals(id)) return; // our own packet looped back, or someone posing as us
        if (table != null && !q.readOnly()) table.onQuery(new NodeInfo(q.sender(), from), now);
        KrpcMessage reply = switch (q) {
            case KrpcMessage.Ping p -> KrpcMessage.Response.pong(p.transactionId(), id);
            case KrpcMessage.FindNode fn -> nodesReply(fn.transactionId(), fn.target(), fn.want(), f, List.of(), null);
            case KrpcMessage.GetPeers gp -> nodesReply(gp.transactionId(), new NodeId(gp.infoHash().bytes()), gp.want(), f,
                    peerStore.peers(gp.infoHash(), VALUES_PER_REPLY, now, random), tokens.issue(from.getAddress(), now));
            case KrpcMessage.AnnouncePeer ap -> announced(ap, from, now);
        };
        queriesAnswered++;
        transmit(ch, KrpcCodec.encode(reply), from);
    }

    private KrpcMessage announced(KrpcMessage.AnnouncePeer ap, InetSocketAddress from, long now) {
        if (!tokens.verify(ap.token(), from.getAddress(), now)) {
            return new KrpcMessage.Error(ap.transactionId(), KrpcException.PROTOCOL_ERROR, "bad token");
        }
        int port = ap.impliedPort() ? from.getPort() : ap.port();
        if (!peerStore.add(ap.infoHash(), new InetSocketAddress(from.getAddress(), port), now)) {
            return new KrpcMessage.Error(ap.transactionId(), KrpcException.SERVER_ERROR, "peer store full");
        }
        return KrpcMessage.Response.pong(ap.transactionId(), id);
    }

    private KrpcMessage.Response nodesReply(TransactionId t, NodeId target, Want want, Family arrived,
                                            List<InetSocketAddress> values, Token token) {
        boolean over6 = arrived == Family.V6;
        RoutingTable v4 = tables.get(Family.V4);
        RoutingTable v6 = tables.get(Family.V6);
        List<NodeInfo> nodes = want.wantsV4(over6) && v4 != null ? v4.closest(target, K) : List.of();
        List<NodeInfo> nodes6 = want.wantsV6(over6) && v6 != null ? v6.closest(target, K) : List.of();
        return new KrpcMessage.Response(t, id, nodes, nodes6, values, token);
    }

    private void onResponse(KrpcMessage.Response r, InetSocketAddress from) {
        Pending p = pending.get(r.transactionId());
        // an answer must come from where the query went; anything else is a guess or a spoof
        if (p == null || !p.to().equals(from)) return;
        removePending(r.transactionId());
        NodeInfo node = new NodeInfo(r.sender(), from);
        RoutingTable table = tables.get(family(from));
        if (!r.sender().equals(id) && table != null) table.onResponse(node, nowMillis());
        if (p.expectedId() != null && !p.expectedId().equals(r.sender())) {
            // a different node lives at that address now: the one we asked for is gone
            if (table != null) table.onTimeout(p.expectedId(), nowMillis());
        }
        p.reply().response(r, node);
    }

    private void onError(KrpcMessage.Error e, InetSocketAddress from) {
        Pending p = pending.get(e.transactionId());
        if (p == null || !p.to().equals(from)) return;
        removePending(e.transactionId());
        log.debug("DHT error {} from {}: {}", e.code(), from, e.message());
        p.reply().failure();
    }

    // ---------------------------------------------------------------- maintenance

    private void maintenanceLoop() {
        while (!closed) {
            try {
                Thread.sleep(MAINTENANCE_MS);
            } catch (InterruptedException e) {
                return;
            }
            try {
                maintain();
            } catch (RuntimeException e) {
                log.warn("DHT maintenance failed", e);
            }
        }
    }

    private synchronized void maintain() {
        long nowNanos = System.nanoTime();
        List<Map.Entry<TransactionId, Pending>> expired = new ArrayList<>();
        for (var e : pending.entrySet()) {
            if (nowNanos - e.getValue().deadlineNanos() >= 0) expired.add(e);
        }
        long now = nowMillis();
        for (var e : expired) {
            removePending(e.getKey());
            Pending p = e.getValue();
            RoutingTable table = tables.get(family(p.to()));
            if (p.expectedId() != null && table != null) table.onTimeout(p.expectedId(), now);
            p.reply().failure();
        }
        if (now - lastSlowMaintenance >= SLOW_MAINTENANCE_MS) {
            lastSlowMaintenance = now;
            peerStore.expire(now);
            for (Family f : families()) {
                RoutingTable table = tables.get(f);
                for (NodeInfo n : table.nodesToPing(now, 16)) ping(n);
                for (NodeId target : table.refreshTargets(now, random)) {
                    Lookup lookup = new Lookup(target, K, ALPHA, MAX_LOOKUP_QUERIES, table.closest(target, 4 * K));
                    pump(f, lookup, null, new CompletableFuture<>());
                }
            }
        }
    }

    /** Stops the loops, fails pending queries and saves the node id and good nodes to the state file. */
    @Override
    public void close() {
        List<Pending> failed;
        synchronized (this) {
            if (closed) return;
            closed = true;
            failed = new ArrayList<>(pending.values());
            pending.clear();
            awaiting.clear();
        }
        for (DatagramChannel ch : channels) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        for (Thread t : threads) {
            t.interrupt();
            try {
                t.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        synchronized (this) {
            for (Pending p : failed) p.reply().failure();
        }
        saveState();
    }

    private void saveState() {
        if (config.stateFile() == null) return;
        List<InetSocketAddress> good = new ArrayList<>();
        synchronized (this) {
            for (RoutingTable t : tables.values()) for (NodeInfo n : t.goodNodes(nowMillis())) good.add(n.address());
        }
        try {
            NodeStateFile.save(config.stateFile(), id, good);
        } catch (IOException e) {
            log.warn("could not save DHT state to {}: {}", config.stateFile(), e.toString());
        }
    }

    /** Every live peer announced to this node for the torrent (tests). */
    synchronized List<InetSocketAddress> storedPeers(InfoHash infoHash) {
        return peerStore.peers(infoHash, Integer.MAX_VALUE, nowMillis(), random);
    }

}
