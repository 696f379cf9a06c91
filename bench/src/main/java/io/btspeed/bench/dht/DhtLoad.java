package io.btspeed.bench.dht;

import io.btspeed.dht.DhtConfig;
import io.btspeed.dht.DhtNode;
import io.btspeed.dht.NodeId;
import io.btspeed.dht.NodeInfo;
import io.btspeed.dht.krpc.KrpcCodec;
import io.btspeed.dht.krpc.KrpcMessage;
import io.btspeed.dht.krpc.TransactionId;
import io.btspeed.dht.krpc.Want;
import io.btspeed.dht.routing.RoutingTable;
import io.btspeed.dht.store.PeerStore;
import io.btspeed.protocol.metainfo.InfoHash;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.LongAdder;

/**
 * DHT node load: N clients (virtual threads, one UDP socket each) query one in-process node on
 * 127.0.0.1 in a closed loop (next query when the answer came) — a mix of get_peers (half of them
 * for torrents that have 50 stored peers), find_node and ping — and the queries answered per
 * second are reported. Then the heap taken by 10,000 routing-table entries and by 10,000 stored
 * peers. The per-source rate limit is lifted: every client shares 127.0.0.1.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.btspeed.bench.dht.DhtLoad --clients 16 --seconds 10</pre>
 */
public final class DhtLoad {
    public static void main(String[] args) throws Exception {
        int clients = 16;
        int seconds = 10;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--clients" -> clients = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (use --clients N --seconds S)");
            }
        }
        System.out.printf(Locale.ROOT, "dht load: %d clients, %d s (+2 s warm-up), %d cores%n", clients, seconds,
                Runtime.getRuntime().availableProcessors());
        queriesPerSecond(clients, seconds);
        memory();
    }

    private static void queriesPerSecond(int clients, int seconds) throws Exception {
        try (DhtNode node = DhtNode.start(DhtConfig.loopback().withRateLimit(1e9, 1_000_000_000))) {
            InetSocketAddress target = node.localAddresses().getFirst();
            List<InfoHash> torrents = new ArrayList<>();
            SplittableRandom seed = new SplittableRandom(1);
            for (int i = 0; i < 100; i++) torrents.add(new InfoHash(NodeId.random(seed).bytes()));
            // fill the peer store through the protocol: 50 announces per torrent from 50 sockets
            announceAll(target, torrents);
            // a realistic routing table: 2,000 strangers ping us (each its own socket), the table keeps what fits
            prefillRoutingTable(target);
            LongAdder answered = new LongAdder();
            LongAdder timeouts = new LongAdder();
            long[] phaseEnd = new long[1];
            CountDownLatch done = new CountDownLatch(clients);
            long warmEnd = System.nanoTime() + 2_000_000_000L;
            phaseEnd[0] = warmEnd + seconds * 1_000_000_000L;
            for (int c = 0; c < clients; c++) {
                int id = c;
                Thread.ofVirtual().start(() -> {
                    SplittableRandom rnd = new SplittableRandom(100 + id);
                    NodeId me = NodeId.random(rnd);
                    byte[] buf = new byte[2048];
                    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
                        s.setSoTimeout(1000);
                        int tid = 0;
                        while (true) {
                            long now = System.nanoTime();
                            if (now >= phaseEnd[0]) break;
                            TransactionId t = TransactionId.ofShort(tid++);
                            int kind = rnd.nextInt(10);
                            KrpcMessage q;
                            if (kind < 5) {
                                InfoHash ih = rnd.nextBoolean() ? torrents.get(rnd.nextInt(torrents.size())) : new InfoHash(NodeId.random(rnd).bytes());
                                q = new KrpcMessage.GetPeers(t, me, ih, Want.DEFAULT, false);
                            } else if (kind < 9) {
                                q = new KrpcMessage.FindNode(t, me, NodeId.random(rnd), Want.DEFAULT, false);
                            } else {
                                q = new KrpcMessage.Ping(t, me, false);
                            }
                            byte[] out = KrpcCodec.encode(q);
                            s.send(new DatagramPacket(out, out.length, target));
                            try {
                                DatagramPacket p = new DatagramPacket(buf, buf.length);
                                s.receive(p);
                                KrpcCodec.decode(Arrays.copyOf(buf, p.getLength()));
                                if (now >= warmEnd) answered.increment();
                            } catch (SocketTimeoutException e) {
                                if (now >= warmEnd) timeouts.increment();
                            }
                        }
                    } catch (Exception e) {
                        System.err.println("client " + id + ": " + e);
                    } finally {
                        done.countDown();
                    }
                });
            }
            done.await();
            System.out.printf(Locale.ROOT, "queries answered: %,d in %d s = %,.0f queries/s (timeouts %d); routing table %d nodes%n",
                    answered.sum(), seconds, answered.sum() / (double) seconds, timeouts.sum(), node.routingTableSize());
        }
    }

    private static void prefillRoutingTable(InetSocketAddress target) throws Exception {
        SplittableRandom rnd = new SplittableRandom(9);
        byte[] buf = new byte[2048];
        for (int i = 0; i < 2000; i++) {
            try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
                s.setSoTimeout(1000);
                byte[] q = KrpcCodec.encode(new KrpcMessage.Ping(TransactionId.ofShort(i), NodeId.random(rnd), false));
                s.send(new DatagramPacket(q, q.length, target));
                s.receive(new DatagramPacket(buf, buf.length));
            }
        }
    }

    private static void announceAll(InetSocketAddress target, List<InfoHash> torrents) throws Exception {
        byte[] buf = new byte[2048];
        SplittableRandom rnd = new SplittableRandom(7);
        for (int i = 0; i < 50; i++) {
            try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
                s.setSoTimeout(1000);
                NodeId me = NodeId.random(rnd);
                int tid = 0;
                for (InfoHash ih : torrents) {
                    byte[] q = KrpcCodec.encode(new KrpcMessage.GetPeers(TransactionId.ofShort(tid++), me, ih, Want.DEFAULT, false));
                    s.send(new DatagramPacket(q, q.length, target));
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    s.receive(p);
                    var r = (KrpcMessage.Response) KrpcCodec.decode(Arrays.copyOf(buf, p.getLength()));
                    byte[] a = KrpcCodec.encode(new KrpcMessage.AnnouncePeer(TransactionId.ofShort(tid++), me, ih, 10_000 + i, false, r.token(), false));
                    s.send(new DatagramPacket(a, a.length, target));
                    s.receive(new DatagramPacket(buf, buf.length));
                }
            }
        }
    }

    private static void memory() {
        SplittableRandom rnd = new SplittableRandom(3);
        long before = usedHeap();
        List<RoutingTable> tables = new ArrayList<>();
        int entries = 0;
        int port = 1;
        // a table holds at most 8 per bucket: fill several full tables until 10,000 entries
        while (entries < 10_000) {
            RoutingTable t = new RoutingTable(NodeId.random(rnd), 8, 0);
            for (int p = 0; p < 160 && entries < 10_000; p++) {
                for (int i = 0; i < 8 && entries < 10_000; i++) {
                    byte[] ip = {10, (byte) (port >> 16), (byte) (port >> 8), (byte) port};
                    int before4 = t.size();
                    t.onResponse(new NodeInfo(t.self().randomWithPrefix(p, rnd), new InetSocketAddress(addr(ip), 6881)), 0);
                    port++;
                    entries += t.size() - before4;
                }
            }
            tables.add(t);
        }
        long routing = usedHeap() - before;
        before = usedHeap();
        PeerStore store = PeerStore.defaults();
        for (int i = 0; i < 10_000; i++) {
            byte[] ip = {10, 1, (byte) (i >> 8), (byte) i};
            store.add(torrentFor(i), new InetSocketAddress(addr(ip), 6881), 0);
        }
        long peers = usedHeap() - before;
        System.out.printf(Locale.ROOT, "memory: 10,000 routing entries (%d tables) = %,d KiB (%d B/entry); 10,000 stored peers (100 torrents) = %,d KiB (%d B/peer)%n",
                tables.size(), routing / 1024, routing / 10_000, peers / 1024, peers / 10_000);
        if (tables.isEmpty() || store.peerCount() != 10_000) throw new IllegalStateException("lost entries");
    }

    private static InfoHash torrentFor(int i) {
        byte[] b = new byte[20];
        b[0] = (byte) (i % 100);
        return new InfoHash(b);
    }

    private static InetAddress addr(byte[] ip) {
        try {
            return InetAddress.getByAddress(ip);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long usedHeap() {
        Runtime r = Runtime.getRuntime();
        for (int i = 0; i < 4; i++) System.gc();
        return r.totalMemory() - r.freeMemory();
    }
}
