package io.btspeed.engine;

import io.btspeed.engine.torrent.Torrent;
import io.btspeed.engine.tracker.Announcer;
import io.btspeed.engine.tracker.TrackerClients;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connects each torrent to an {@link Announcer}: HTTP and UDP trackers (BEP 3, 15, 23), tiers (BEP 12),
 * started / completed / stopped and the trackers' intervals. Peers the trackers return go to the
 * torrent's dialer. Announces leave from the session's bind address so trackers see the address
 * peers can reach.
 */
final class TrackerBridge {
    private static final Logger log = LoggerFactory.getLogger(TrackerBridge.class);

    private final byte[] peerId;
    private final IntSupplier listenPort;
    private final InetAddress bindAddress;
    private final Map<Torrent, Running> running = new ConcurrentHashMap<>();

    private static final class Running {
        volatile Announcer announcer;
        volatile boolean stopped;
        Thread thread;
    }

    TrackerBridge(byte[] peerId, IntSupplier listenPort, InetAddress bindAddress) {
        this.peerId = peerId.clone();
        this.listenPort = listenPort;
        this.bindAddress = bindAddress;
    }

    void start(Torrent t, AddTorrentParams p) {
        List<List<String>> tiers = p.metainfo() != null ? p.metainfo().announceTiers()
                : p.magnet().trackers().stream().map(List::of).toList();
        List<List<String>> usable = new ArrayList<>();
        for (List<String> tier : tiers) {
            List<String> ok = tier.stream().filter(TrackerClients::supports).toList();
            tier.stream().filter(u -> !TrackerClients.supports(u))
                    .forEach(u -> log.info("{}: skipping tracker {} (unsupported scheme)", t.infoHash(), u));
            if (!ok.isEmpty()) usable.add(ok);
        }
        if (usable.isEmpty()) return;
        Running r = new Running();
        running.put(t, r);
        r.thread = Thread.ofVirtual().name("bt-announce-" + t.infoHash().hex().substring(0, 8)).start(() -> run(t, usable, r));
    }

    private void run(Torrent t, List<List<String>> tiers, Running r) {
        try {
            // Announce what we really have: "left" must be true from the first announce on.
            while (t.status().state() == TorrentState.CHECKING) {
                if (r.stopped) return;
                Thread.sleep(50);
            }
        } catch (InterruptedException stop) {
            return;
        }
        Announcer a = new Announcer(t.infoHash(), peerId, listenPort.getAsInt(), tiers, () -> stats(t), t.completeWhenChecked(),
                peers -> {
                    for (InetSocketAddress peer : peers) t.learn(peer);
                    t.connectMore();
                },
                url -> TrackerClients.forUrl(url, bindAddress), Announcer.Config.DEFAULT, new SecureRandom(),
                () -> System.nanoTime() / 1_000_000);
        r.announcer = a;
        t.setTrackerInfo(a::trackers);
        t.onComplete(a::completed); // at once if the download already finished
        if (r.stopped) return;
        a.run();
    }

    /** Bytes still wanted; unknown before a magnet's metadata, when we report 1 so no tracker takes us for a seed. */
    private static Announcer.Stats stats(Torrent t) {
        TorrentStatus st = t.status();
        long left = t.metainfo() == null ? 1 : st.wantedBytes() - st.wantedDoneBytes();
        return new Announcer.Stats(st.totalUploaded(), st.totalDownloaded(), left);
    }

    /** Ends every announce loop; each announcer tells its trackers we leave (bounded by its stop timeout). */
    void stopAll() {
        List<Thread> closers = new ArrayList<>();
        for (Running r : running.values()) {
            r.stopped = true;
            Announcer a = r.announcer;
            if (a == null) {
                r.thread.interrupt();
            } else {
                closers.add(Thread.ofVirtual().start(a::close));
            }
        }
        for (Thread c : closers) {
            try {
                c.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        running.clear();
    }

}
