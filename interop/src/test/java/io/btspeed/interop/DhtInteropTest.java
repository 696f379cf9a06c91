package io.btspeed.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.btspeed.dht.DhtConfig;
import io.btspeed.dht.DhtNode;
import io.btspeed.interop.harness.Content;
import io.btspeed.interop.harness.Peers;
import io.btspeed.interop.harness.Proc;
import io.btspeed.protocol.metainfo.InfoHash;
import io.btspeed.protocol.metainfo.Metainfo;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * btspeed's DHT and a real libtorrent 2.0 DHT node on 127.0.0.1: a small btspeed network that
 * libtorrent joins through one of our nodes; each side's announce is found by the other, and a
 * magnet with no tracker is fetched from a libtorrent seeder found through the DHT alone.
 */
@Tag("interop")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DhtInteropTest {
    @TempDir
    Path tmp;

    final List<DhtNode> nodes = new ArrayList<>();

    @BeforeAll
    static void needsLibtorrent() {
        Peers.requireLibtorrent();
    }

    @AfterEach
    void stopNodes() {
        for (DhtNode n : nodes) n.close();
    }

    /** Six btspeed nodes joined through the first: enough for announces to land on several. */
    private DhtNode network() throws Exception {
        DhtConfig config = DhtConfig.loopback().withRateLimit(10_000, 10_000);
        DhtNode first = DhtNode.start(config);
        nodes.add(first);
        for (int i = 0; i < 5; i++) {
            DhtNode n = DhtNode.start(config);
            nodes.add(n);
            n.bootstrap(List.of(first.localAddresses().getFirst())).get(10, TimeUnit.SECONDS);
        }
        return first;
    }

    private Proc libtorrentDht(Peers peers, String name, DhtNode entry, List<String> extra) throws Exception {
        return libtorrentDht(peers, name, entry, Peers.freePort(), extra);
    }

    private Proc libtorrentDht(Peers peers, String name, DhtNode entry, int listenPort, List<String> extra) throws Exception {
        Path script = tmp.resolve("lt_dht.py");
        if (!Files.exists(script)) {
            try (var in = getClass().getClassLoader().getResourceAsStream("interop/lt_dht.py")) {
                Files.copy(in, script);
            }
        }
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", script.toString(),
                "--listen", "127.0.0.1:" + listenPort, "--bootstrap", "127.0.0.1:" + entry.port(), "--deadline", "150"));
        cmd.addAll(extra);
        return peers.start(name, cmd);
    }

    @Test
    void libtorrentAndBtspeedFindEachOthersAnnounces() throws Exception {
        SplittableRandom rnd = new SplittableRandom(3);
        byte[] a = new byte[20];
        byte[] b = new byte[20];
        rnd.nextBytes(a);
        rnd.nextBytes(b);
        InfoHash ltTorrent = new InfoHash(a);
        InfoHash btTorrent = new InfoHash(b);
        int ltPeerPort = Peers.freePort(); // libtorrent announces its listen port
        int btPeerPort = 40_002;
        try (Peers peers = new Peers(tmp)) {
            DhtNode entry = network();
            Proc lt = libtorrentDht(peers, "lt-dht", entry, ltPeerPort, List.of("--announce", ltTorrent.hex(),
                    "--lookup", btTorrent.hex()));
            lt.awaitLine("STARTED", Duration.ofSeconds(30));
            DhtNode ours = nodes.get(3);
            InetSocketAddress ltPeer = new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), ltPeerPort);
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            boolean weFoundIt = false;
            while (!weFoundIt && System.nanoTime() < deadline) {
                ours.announce(btTorrent, btPeerPort).get(10, TimeUnit.SECONDS);
                weFoundIt = ours.getPeers(ltTorrent).get(10, TimeUnit.SECONDS).contains(ltPeer);
                if (!weFoundIt) Thread.sleep(500);
            }
            assertThat(weFoundIt).as("btspeed found libtorrent's announce\n%s", lt.tail()).isTrue();
            // libtorrent's own lookup answers with our announce
            lt.awaitLine("PEERS " + btTorrent.hex() + " .*127\\.0\\.0\\.1:" + btPeerPort, Duration.ofSeconds(60));
            // and libtorrent really is in our routing tables, not only a passer-by
            assertThat(nodes.stream().anyMatch(n -> n.routingNodes().stream()
                    .anyMatch(x -> x.address().getPort() != 0 && !isOurs(x.address())))).isTrue();
        }
    }

    private boolean isOurs(InetSocketAddress a) {
        return nodes.stream().anyMatch(n -> n.port() == a.getPort());
    }

    @Test
    void magnetWithoutTrackerIsFetchedFromALibtorrentSeederFoundThroughTheDht() throws Exception {
        try (Peers peers = new Peers(tmp)) {
            Path src = Content.randomTree(tmp.resolve("seed/tree"), 5);
            Path torrent = tmp.resolve("tree.torrent");
            peers.btspeedRun("create", "create", src.toString(), "-o", torrent.toString());
            Metainfo meta = Metainfo.parse(Files.readAllBytes(torrent));
            assertThat(meta.announceTiers()).isEmpty();
            DhtNode entry = network();
            Proc lt = libtorrentDht(peers, "lt-seed", entry, List.of("--seed", torrent.toString(), "--dir", tmp.resolve("seed").toString()));
            lt.awaitLine("SEEDING", Duration.ofSeconds(60));
            // wait until the seeder's announce is in the network, so the download below has only the DHT to go on
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            List<InetSocketAddress> found = List.of();
            while (found.isEmpty() && System.nanoTime() < deadline) {
                found = nodes.get(2).getPeers(meta.infoHash()).get(10, TimeUnit.SECONDS);
                if (found.isEmpty()) Thread.sleep(500);
            }
            assertThat(found).as("the seeder's announce\n%s", lt.tail()).isNotEmpty();

            String magnet = "magnet:?xt=urn:btih:" + meta.infoHash().hex();
            Proc bt = peers.btspeed("btspeed-magnet", "download", magnet, "--dir", tmp.resolve("out").toString(),
                    "--port", "0", "--bind", "127.0.0.1", "--no-trackers",
                    "--dht-bootstrap", "127.0.0.1:" + entry.port());
            assertThat(bt.awaitExit(Duration.ofSeconds(120))).as(bt.tail()).isZero();
            assertThat(bt.output()).contains("DHT: found");
            assertThat(Content.digests(tmp.resolve("out/tree"))).as("downloaded files\n%s", peers.dumpLogs())
                    .isEqualTo(Content.digests(src));
        }
    }

    @Test
    void btspeedLeecherFindsABtspeedSeederThroughTheDhtOnly() throws Exception {
        try (Peers peers = new Peers(tmp)) {
            Path src = Content.randomTree(tmp.resolve("seed/tree"), 6);
            Path torrent = tmp.resolve("tree.torrent");
            peers.btspeedRun("create", "create", src.toString(), "-o", torrent.toString());
            Metainfo meta = Metainfo.parse(Files.readAllBytes(torrent));
            DhtNode entry = network();
            String boot = "127.0.0.1:" + entry.port();
            Proc seed = peers.btspeed("btspeed-seed", "seed", torrent.toString(), "--dir", tmp.resolve("seed").toString(),
                    "--port", "0", "--bind", "127.0.0.1", "--no-trackers", "--dht-bootstrap", boot);
            seed.awaitLine("seeding", Duration.ofSeconds(60));
            // the seeder's own announce must be in the network before the leecher asks
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            List<InetSocketAddress> found = List.of();
            while (found.isEmpty() && System.nanoTime() < deadline) {
                found = nodes.get(4).getPeers(meta.infoHash()).get(10, TimeUnit.SECONDS);
                if (found.isEmpty()) Thread.sleep(500);
            }
            assertThat(found).as("the seeder's announce\n%s", seed.tail()).isNotEmpty();
            Proc bt = peers.btspeed("btspeed-magnet", "download", "magnet:?xt=urn:btih:" + meta.infoHash().hex(),
                    "--dir", tmp.resolve("out").toString(), "--port", "0", "--bind", "127.0.0.1", "--no-trackers",
                    "--dht-bootstrap", boot);
            assertThat(bt.awaitExit(Duration.ofSeconds(120))).as(bt.tail()).isZero();
            assertThat(Content.digests(tmp.resolve("out/tree"))).as("downloaded files\n%s", peers.dumpLogs())
                    .isEqualTo(Content.digests(src));
        }
    }
}
