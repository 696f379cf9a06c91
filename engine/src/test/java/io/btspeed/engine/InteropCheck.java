package io.btspeed.engine;

import io.btspeed.protocol.metainfo.Metainfo;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Manual interop probe (not a test): "seed TORRENT DIR PORT [DIAL_HOST:PORT]" serves until killed;
 * "leech TORRENT DIR HOST:PORT" downloads from that peer and prints the rate; "magnet" does the same
 * starting from only the torrent's info-hash (metadata from the peer).
 */
public final class InteropCheck {
    public static void main(String[] a) throws Exception {
        Metainfo m = Metainfo.parse(Files.readAllBytes(Path.of(a[1])));
        Path dir = Path.of(a[2]);
        if (a[0].equals("seed")) {
            Session s = Session.start(SessionConfig.defaults().withListenPort(Integer.parseInt(a[3])));
            TorrentHandle t = s.add(AddTorrentParams.of(m, dir).withTrackers(false));
            t.completion().get(120, TimeUnit.SECONDS);
            System.out.println("SEEDING on " + s.listenPort());
            // Optional 5th argument: a peer to dial (clients such as Transmission never dial loopback peers themselves).
            if (a.length > 4) {
                String[] dial = a[4].split(":");
                t.addPeer(new InetSocketAddress(InetAddress.getByName(dial[0]), Integer.parseInt(dial[1])));
            }
            while (true) {
                Thread.sleep(1000);
                System.out.println(t.status());
            }
        }
        String[] hp = a[3].split(":");
        try (Session s = Session.start(SessionConfig.defaults())) {
            long t0 = System.nanoTime();
            AddTorrentParams base = a[0].equals("magnet")
                    ? AddTorrentParams.of(new io.btspeed.protocol.magnet.MagnetUri(m.infoHash(), null, List.of(), List.of()), dir)
                    : AddTorrentParams.of(m, dir);
            TorrentHandle t = s.add(base.withTrackers(false)
                    .withPeers(List.of(new InetSocketAddress(InetAddress.getByName(hp[0]), Integer.parseInt(hp[1])))));
            if (Boolean.getBoolean("interop.verbose")) {
                Thread.ofVirtual().start(() -> {
                    while (!t.completion().isDone()) {
                        System.out.println(t.status());
                        try {
                            Thread.sleep(1000);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                });
            }
            t.completion().get(300, TimeUnit.SECONDS);
            double sec = (System.nanoTime() - t0) / 1e9;
            System.out.printf("RESULT %d bytes in %.2f s = %.1f MB/s%n", m.totalLength(), sec, m.totalLength() / sec / 1e6);
        }
    }
}
