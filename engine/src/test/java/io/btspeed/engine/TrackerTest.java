package io.btspeed.engine;

import com.sun.net.httpserver.HttpServer;
import io.btspeed.protocol.bencode.BBytes;
import io.btspeed.protocol.bencode.BDict;
import io.btspeed.protocol.bencode.BInt;
import io.btspeed.protocol.bencode.Bencode;
import io.btspeed.protocol.metainfo.Metainfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Peers find each other only through an HTTP tracker (an in-test one), with started/completed/stopped events. */
class TrackerTest {
    @TempDir
    Path tmp;

    @Test
    @Timeout(60)
    void leecherFindsSeederThroughTheTracker() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        Set<Integer> ports = ConcurrentHashMap.newKeySet();
        HttpServer tracker = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        tracker.createContext("/announce", ex -> {
            Map<String, String> q = new java.util.HashMap<>();
            for (String kv : ex.getRequestURI().getRawQuery().split("&")) {
                int i = kv.indexOf('=');
                q.put(kv.substring(0, i), kv.substring(i + 1));
            }
            int port = Integer.parseInt(q.get("port"));
            events.add(port + ":" + q.getOrDefault("event", "none") + ":left=" + q.get("left"));
            ByteArrayOutputStream compact = new ByteArrayOutputStream();
            for (int p : ports) {
                if (p == port) continue;
                compact.writeBytes(new byte[]{127, 0, 0, 1, (byte) (p >> 8), (byte) p});
            }
            if ("stopped".equals(q.get("event"))) ports.remove(port);
            else ports.add(port);
            byte[] body = Bencode.encode(BDict.builder().put("interval", new BInt(1800)).put("peers", new BBytes(compact.toByteArray())).build());
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        tracker.start();
        try {
            String url = "http://127.0.0.1:" + tracker.getAddress().getPort() + "/announce";
            Path seedDir = tmp.resolve("seed");
            Metainfo plain = TestTorrents.singleFile(seedDir, "t.bin", 1_500_000, 32 * 1024, 51);
            Metainfo m = Metainfo.fromInfoDict(plain.rawInfo(), List.of(List.of("udp://127.0.0.1:1/ignored", url)));
            int seederPort, leecherPort;
            try (Session seeder = Session.start(SessionConfig.defaults());
                 Session leecher = Session.start(SessionConfig.defaults())) {
                seederPort = seeder.listenPort();
                leecherPort = leecher.listenPort();
                seeder.add(AddTorrentParams.of(m, seedDir)).completion().get(20, TimeUnit.SECONDS);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!ports.contains(seederPort) && System.nanoTime() < deadline) Thread.sleep(20);
                leecher.add(AddTorrentParams.of(m, tmp.resolve("leech"))).completion().get(30, TimeUnit.SECONDS);
                deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!events.contains(leecherPort + ":completed:left=0") && System.nanoTime() < deadline) Thread.sleep(20);
            }
            assertThat(events).contains(seederPort + ":started:left=0", leecherPort + ":started:left=1500000",
                    leecherPort + ":completed:left=0", seederPort + ":stopped:left=0", leecherPort + ":stopped:left=0");
            TestTorrents.assertSameTree(seedDir, tmp.resolve("leech"));
        } finally {
            tracker.stop(0);
        }
    }
}
