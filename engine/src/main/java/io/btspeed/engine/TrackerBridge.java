package io.btspeed.engine;

import io.btspeed.engine.net.HttpAnnounce;
import io.btspeed.engine.net.HttpAnnounce.Event;
import io.btspeed.engine.torrent.Torrent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * Announces each torrent to its trackers (BEP 12 tiers: trackers of a tier are tried in order and
 * a working one moves to the front; the next tier only when a whole tier failed) with the
 * started / completed / stopped events, and feeds the returned peers to the torrent's dialer.
 * HTTP(S) trackers only for now; UDP (BEP 15) announce URLs are skipped.
 */
final class TrackerBridge {
    private static final Logger log = LoggerFactory.getLogger(TrackerBridge.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(3);
    private static final int RETRY_SECONDS = 60;

    private final byte[] peerId;
    private final IntSupplier listenPort;
    /** Created on first use: an HTTP client keeps a selector thread, which sessions without trackers never need. */
    private volatile HttpAnnounce http;
    private final Map<Torrent, Loop> loops = new ConcurrentHashMap<>();

    private final class Loop {
        final Torrent torrent;
        final List<List<String>> tiers;
        final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
        volatile boolean announced;
        Thread thread;

        Loop(Torrent torrent, List<List<String>> tiers) {
            this.torrent = torrent;
            this.tiers = tiers;
        }
    }

    TrackerBridge(byte[] peerId, IntSupplier listenPort) {
        this.peerId = peerId.clone();
        this.listenPort = listenPort;
    }

    private HttpAnnounce http() {
        HttpAnnounce h = http;
        if (h == null) {
            synchronized (this) {
                if (http == null) http = new HttpAnnounce();
                h = http;
            }
        }
        return h;
    }

    void start(Torrent t, AddTorrentParams p) {
        List<List<String>> source = p.metainfo() != null ? p.metainfo().announceTiers()
                : p.magnet().trackers().stream().map(List::of).toList();
        List<List<String>> tiers = new ArrayList<>();
        for (List<String> tier : source) {
            List<String> usable = new ArrayList<>();
            for (String url : tier) {
                if (url.startsWith("http://") || url.startsWith("https://")) usable.add(url);
                else log.info("{}: skipping tracker {} (only HTTP trackers are supported)", t.infoHash(), url);
            }
            if (!usable.isEmpty()) tiers.add(usable);
        }
        if (tiers.isEmpty()) return;
        Loop loop = new Loop(t, tiers);
        loops.put(t, loop);
        t.onComplete(() -> loop.events.add(Event.COMPLETED));
        loop.events.add(Event.STARTED);
        loop.thread = Thread.ofVirtual().name("bt-announce-" + t.infoHash().hex().substring(0, 8)).start(() -> run(loop));
    }

    private void run(Loop loop) {
        int waitSeconds = 0;
        boolean started = false;
        long leftWhenStarted = -1;
        try {
            // Announce what we really have: wait until existing data is checked.
            while (loop.torrent.status().state() == TorrentState.CHECKING) Thread.sleep(50);
            while (true) {
                Event e = loop.events.poll(waitSeconds, TimeUnit.SECONDS);
                if (e == null) e = started ? Event.NONE : Event.STARTED;
                // "completed" only reports a download that happened, not a torrent that was complete when added.
                if (e == Event.COMPLETED && leftWhenStarted == 0) continue;
                long left = left(loop);
                HttpAnnounce.Result r = announce(loop, e, TIMEOUT);
                if (e == Event.STARTED && r != null) leftWhenStarted = left;
                if (r == null) {
                    waitSeconds = RETRY_SECONDS;
                    if (e != Event.NONE) loop.events.add(e); // the event still has to reach a tracker
                    continue;
                }
                started = true;
                loop.announced = true;
                waitSeconds = r.intervalSeconds();
                for (InetSocketAddress a : r.peers()) loop.torrent.learn(a);
                loop.torrent.connectMore();
            }
        } catch (InterruptedException stop) {
            // stopAll() ends the loop; it sends the "stopped" event itself.
        }
    }

    /** Bytes still wanted; unknown before a magnet's metadata, when we report 1 so no tracker takes us for a seed. */
    private static long left(Loop loop) {
        TorrentStatus st = loop.torrent.status();
        return loop.torrent.metainfo() == null ? 1 : st.wantedBytes() - st.wantedDoneBytes();
    }

    private HttpAnnounce.Result announce(Loop loop, Event event, Duration timeout) throws InterruptedException {
        TorrentStatus st = loop.torrent.status();
        long left = left(loop);
        for (List<String> tier : loop.tiers) {
            synchronized (tier) {
                for (int i = 0; i < tier.size(); i++) {
                    String url = tier.get(i);
                    try {
                        HttpAnnounce.Result r = http().announce(url, loop.torrent.infoHash().bytes(), peerId, listenPort.getAsInt(),
                                st.totalUploaded(), st.totalDownloaded(), left, event, timeout);
                        if (i > 0) tier.add(0, tier.remove(i));
                        log.debug("{}: {} {} -> {} peers, interval {} s", loop.torrent.infoHash(), url, event, r.peers().size(), r.intervalSeconds());
                        return r;
                    } catch (IOException | RuntimeException e) {
                        log.info("{}: announce to {} failed: {}", loop.torrent.infoHash(), url, e.getMessage());
                    }
                }
            }
        }
        return null;
    }

    /** Ends every announce loop and tells the trackers we leave (short timeout, best effort). */
    void stopAll() {
        List<Thread> stoppers = new ArrayList<>();
        for (Loop loop : loops.values()) {
            if (loop.thread != null) loop.thread.interrupt();
            if (!loop.announced) continue;
            stoppers.add(Thread.ofVirtual().start(() -> {
                try {
                    announce(loop, Event.STOPPED, STOP_TIMEOUT);
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        for (Thread t : stoppers) {
            try {
                t.join(STOP_TIMEOUT.toMillis() * 2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        loops.clear();
    }
}
