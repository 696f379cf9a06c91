package io.btspeed.dht;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.btspeed.dht.krpc.KrpcMessage;
import io.btspeed.dht.krpc.Token;
import io.btspeed.dht.krpc.TransactionId;
import io.btspeed.dht.krpc.Want;
import io.btspeed.protocol.metainfo.InfoHash;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Real nodes on 127.0.0.1 (and ::1 when the machine has it), talking real UDP. */
@Timeout(60)
class DhtNodeTest {
    final List<DhtNode> started = new ArrayList<>();
    final SplittableRandom rnd = new SplittableRandom(11);

    @TempDir
    Path dir;

    DhtNode start(DhtConfig c) throws Exception {
        DhtNode n = DhtNode.start(c);
        started.add(n);
        return n;
    }

    DhtNode loopbackNode() throws Exception {
        return start(DhtConfig.loopback().withRateLimit(10_000, 10_000));
    }

    @AfterEach
    void stop() {
        for (DhtNode n : started) n.close();
    }

    static InetSocketAddress at(DhtNode n) {
        return n.localAddresses().getFirst();
    }

    InfoHash randomInfoHash() {
        return new InfoHash(NodeId.random(rnd).bytes());
    }

    @Test
    void nodesJoinThroughOneAndFindEachOthersAnnounces() throws Exception {
        DhtNode a = loopbackNode();
        List<DhtNode> others = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            DhtNode n = loopbackNode();
            assertThat(n.bootstrap(List.of(at(a))).get(10, TimeUnit.SECONDS)).isPositive();
            others.add(n);
        }
        InfoHash ih = randomInfoHash();
        int stored = others.get(0).announce(ih, 51413).get(10, TimeUnit.SECONDS);
        assertThat(stored).isPositive();
        List<InetSocketAddress> found = others.get(4).getPeers(ih).get(10, TimeUnit.SECONDS);
        assertThat(found).containsExactly(new InetSocketAddress(InetAddress.getLoopbackAddress(), 51413));
    }

    @Test
    void announceNeedsTheTokenIssuedToTheSameIp() throws Exception {
        DhtNode node = loopbackNode();
        InfoHash ih = randomInfoHash();
        NodeId me = NodeId.random(rnd);
        try (RawKrpcClient c = new RawKrpcClient("127.0.0.1"); RawKrpcClient other = new RawKrpcClient("127.0.0.2")) {
            c.send(new KrpcMessage.GetPeers(TransactionId.ofShort(1), me, ih, Want.DEFAULT, false), at(node));
            var r = (KrpcMessage.Response) c.receive(3000);
            assertThat(r.token()).isNotNull();
            assertThat(r.values()).isEmpty();

            Token forged = new Token("forged!!".getBytes(StandardCharsets.US_ASCII));
            c.send(new KrpcMessage.AnnouncePeer(TransactionId.ofShort(2), me, ih, 7000, false, forged, false), at(node));
            assertThat(c.receive(3000)).isEqualTo(new KrpcMessage.Error(TransactionId.ofShort(2), 203, "bad token"));

            // a token handed to 127.0.0.1 is worthless from 127.0.0.2
            other.send(new KrpcMessage.AnnouncePeer(TransactionId.ofShort(3), NodeId.random(rnd), ih, 7001, false, r.token(), false), at(node));
            assertThat(other.receive(3000)).isInstanceOf(KrpcMessage.Error.class);

            c.send(new KrpcMessage.AnnouncePeer(TransactionId.ofShort(4), me, ih, 7000, false, r.token(), false), at(node));
            assertThat(c.receive(3000)).isInstanceOf(KrpcMessage.Response.class);
            assertThat(node.storedPeers(ih)).containsExactly(new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), 7000));
        }
    }

    @Test
    void impliedPortTakesTheUdpSourcePort() throws Exception {
        DhtNode node = loopbackNode();
        InfoHash ih = randomInfoHash();
        NodeId me = NodeId.random(rnd);
        try (RawKrpcClient c = new RawKrpcClient("127.0.0.1")) {
            c.send(new KrpcMessage.GetPeers(TransactionId.ofShort(1), me, ih, Want.DEFAULT, false), at(node));
            Token t = ((KrpcMessage.Response) c.receive(3000)).token();
            c.send(new KrpcMessage.AnnouncePeer(TransactionId.ofShort(2), me, ih, 1, true, t, false), at(node));
            assertThat(c.receive(3000)).isInstanceOf(KrpcMessage.Response.class);
            int sourcePort = node.storedPeers(ih).getFirst().getPort();
            assertThat(sourcePort).isNotEqualTo(1);
            // the peer stored is the UDP source of the announce
            c.send(new KrpcMessage.GetPeers(TransactionId.ofShort(3), me, ih, Want.DEFAULT, false), at(node));
            var r = (KrpcMessage.Response) c.receive(3000);
            assertThat(r.values()).hasSize(1);
            assertThat(r.values().getFirst().getPort()).isEqualTo(sourcePort);
        }
    }

    @Test
    void malformedQueriesGetAnErrorMalformedResponsesNothing() throws Exception {
        DhtNode node = loopbackNode();
        try (RawKrpcClient c = new RawKrpcClient("127.0.0.1")) {
            c.send("d1:ad2:id3:abce1:q4:ping1:t2:xy1:y1:qe".getBytes(StandardCharsets.US_ASCII), at(node));
            var e = (KrpcMessage.Error) c.receive(3000);
            assertThat(e.transactionId()).isEqualTo(new TransactionId("xy".getBytes(StandardCharsets.US_ASCII)));
            assertThat(e.code()).isEqualTo(203);
            c.send("d1:ad2:id20:abcdefghij0123456789e1:q7:explode1:t2:zz1:y1:qe".getBytes(StandardCharsets.US_ASCII), at(node));
            assertThat(((KrpcMessage.Error) c.receive(3000)).code()).isEqualTo(204);

            // junk and unsolicited responses are dropped: the next thing we hear is the answer to our ping
            c.send("d1:rd2:id2:xxe1:t2:aa1:y1:re".getBytes(StandardCharsets.US_ASCII), at(node));
            c.send(KrpcMessage.Response.pong(TransactionId.ofShort(77), NodeId.random(rnd)), at(node));
            c.send(new KrpcMessage.Error(TransactionId.ofShort(78), 201, "boo"), at(node));
            c.send(new byte[] {'x'}, at(node));
            c.send(new byte[60_000], at(node)); // huge: dropped before decoding
            // under the size cap, so the nesting limit is what refuses it
            byte[] deep = ("l".repeat(4000) + "e".repeat(4000)).getBytes(StandardCharsets.US_ASCII);
            c.send(deep, at(node));
            c.send(new KrpcMessage.Ping(TransactionId.ofShort(9), NodeId.random(rnd), false), at(node));
            KrpcMessage next = c.receive(3000);
            assertThat(next).isEqualTo(KrpcMessage.Response.pong(TransactionId.ofShort(9), node.id()));
            assertThat(node.stats().malformed()).isGreaterThanOrEqualTo(5);
        }
    }

    @Test
    void aFloodFromOneAddressIsDroppedOthersStillServed() throws Exception {
        DhtNode node = start(DhtConfig.loopback()); // default limits: 20/s, burst 60
        int sent = 2000;
        int answered = 0;
        try (RawKrpcClient flood = new RawKrpcClient("127.0.0.1"); RawKrpcClient polite = new RawKrpcClient("127.0.0.3")) {
            long t0 = System.nanoTime();
            for (int i = 0; i < sent; i++) flood.send(new KrpcMessage.Ping(TransactionId.ofShort(i), NodeId.random(rnd), false), at(node));
            double secs = (System.nanoTime() - t0) / 1e9;
            // the flood can fill the node's socket buffer so the kernel drops the polite query too; a
            // real client retries, so does this one (the limiter must not be what refuses it)
            KrpcMessage politeAnswer = null;
            for (int attempt = 0; attempt < 5 && politeAnswer == null; attempt++) {
                polite.send(new KrpcMessage.Ping(TransactionId.ofShort(1 + attempt), NodeId.random(rnd), false), at(node));
                politeAnswer = polite.receive(1500);
            }
            assertThat(politeAnswer).isInstanceOf(KrpcMessage.Response.class);
            while (flood.receive(500) != null) answered++;
            // burst + rate × the time the flood took (+1 s of slack for the scheduler); far below what was sent
            assertThat(answered).isLessThanOrEqualTo((int) (60 + 20 * (secs + 1)));
            assertThat(answered).isGreaterThanOrEqualTo(60);
            // the rest was dropped by the limiter, or by the kernel when the socket buffer overflowed
            assertThat(node.stats().rateLimited()).isPositive();
        }
    }

    @Test
    void aNodeHeardOfThroughAPeersPortMessageEntersTheTableOnceItAnswers() throws Exception {
        DhtNode a = loopbackNode(), b = loopbackNode();
        assertThat(a.ping(at(b)).get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(a.routingNodes()).anyMatch(n -> n.id().equals(b.id()) && n.address().equals(at(b)));
        // nobody listens there: no answer, nothing added
        InetSocketAddress silent;
        try (java.net.DatagramSocket s = new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            silent = new InetSocketAddress(InetAddress.getLoopbackAddress(), s.getLocalPort());
        }
        assertThat(a.ping(silent).get(30, TimeUnit.SECONDS)).isFalse();
        assertThat(a.routingNodes()).noneMatch(n -> n.address().equals(silent));
    }

    @Test
    void nodeIdSurvivesARestart() throws Exception {
        Path state = dir.resolve("dht.state");
        DhtNode peer = loopbackNode();
        DhtNode first = DhtNode.start(DhtConfig.loopback().withStateFile(state));
        NodeId id = first.id();
        first.bootstrap(List.of(at(peer))).get(10, TimeUnit.SECONDS);
        first.close();
        NodeStateFile.Saved saved = NodeStateFile.load(state);
        assertThat(saved.id()).isEqualTo(id);
        assertThat(saved.nodes()).contains(at(peer));
        DhtNode again = start(DhtConfig.loopback().withStateFile(state));
        assertThat(again.id()).isEqualTo(id);
    }

    @Test
    void ipv6NodesFindEachOtherOverIpv6() throws Exception {
        InetAddress v6 = InetAddress.ofLiteral("::1");
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(v6, 0))) {
            assumeTrue(probe.getLocalPort() > 0);
        } catch (java.net.SocketException e) {
            assumeTrue(false, "no IPv6 loopback here: " + e.getMessage());
        }
        DhtConfig both = DhtConfig.loopback().withBindAddresses(List.of(InetAddress.getLoopbackAddress(), v6)).withRateLimit(10_000, 10_000);
        DhtNode a = start(both);
        assertThat(a.hasIpv6()).isTrue();
        assertThat(a.localAddresses()).hasSize(2).allMatch(s -> s.getPort() == a.port());
        List<DhtNode> others = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            DhtNode n = start(both);
            n.bootstrap(List.of(new InetSocketAddress(v6, a.port()), at(a))).get(10, TimeUnit.SECONDS);
            others.add(n);
        }
        assertThat(others.getFirst().stats().routingNodes6()).isPositive();
        assertThat(others.getFirst().stats().routingNodes4()).isPositive();
        InfoHash ih = randomInfoHash();
        assertThat(others.get(0).announce(ih, 6000).get(10, TimeUnit.SECONDS)).isPositive();
        List<InetSocketAddress> found = others.get(2).getPeers(ih).get(10, TimeUnit.SECONDS);
        // announced over both families: the peer is known at both addresses
        assertThat(found).contains(new InetSocketAddress(v6, 6000), new InetSocketAddress(InetAddress.getLoopbackAddress(), 6000));
    }

    @Test
    void wildcardSocketServesIpv4Peers() throws Exception {
        // no bind address: one wildcard (dual-stack where IPv6 exists) socket; only loopback peers talk to it here
        DhtNode wild = start(DhtConfig.defaults().withPort(0).withRateLimit(10_000, 10_000));
        assertThat(wild.localAddresses().getFirst().getAddress().isAnyLocalAddress()).isTrue();
        DhtNode a = loopbackNode();
        DhtNode b = loopbackNode();
        InetSocketAddress wildAt = new InetSocketAddress(InetAddress.getLoopbackAddress(), wild.port());
        a.bootstrap(List.of(wildAt)).get(10, TimeUnit.SECONDS);
        b.bootstrap(List.of(wildAt)).get(10, TimeUnit.SECONDS);
        assertThat(wild.stats().routingNodes4()).isEqualTo(2);
        InfoHash ih = randomInfoHash();
        assertThat(a.announce(ih, 6500).get(10, TimeUnit.SECONDS)).isPositive();
        assertThat(wild.getPeers(ih).get(10, TimeUnit.SECONDS)).contains(new InetSocketAddress(InetAddress.getLoopbackAddress(), 6500));
    }

    @Test
    void answersWeAskedForPassTheRateLimitEvenFromABusyAddress() throws Exception {
        // 40 nodes on 127.0.0.1 answer one node that keeps the default limit (20/s, burst 60 per IP)
        DhtNode entry = loopbackNode();
        List<DhtNode> crowd = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            DhtNode n = loopbackNode();
            n.bootstrap(List.of(at(entry))).get(10, TimeUnit.SECONDS);
            crowd.add(n);
        }
        DhtNode strict = start(DhtConfig.loopback());
        strict.bootstrap(List.of(at(entry))).get(10, TimeUnit.SECONDS);
        List<NodeId> all = new ArrayList<>(crowd.stream().map(DhtNode::id).toList());
        all.add(entry.id());
        for (int i = 0; i < 10; i++) {
            NodeId target = NodeId.random(rnd);
            LookupResult r = strict.findNode(target).get(10, TimeUnit.SECONDS);
            all.sort((x, y) -> target.compareDistance(x, y));
            assertThat(r.closest().stream().map(NodeInfo::id).toList()).isEqualTo(all.subList(0, 8));
        }
        // well over the burst arrived from 127.0.0.1, and none of the answers was dropped
        assertThat(strict.stats().rateLimited()).isZero();
    }
}
