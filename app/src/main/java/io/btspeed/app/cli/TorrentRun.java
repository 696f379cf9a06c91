package io.btspeed.app.cli;

import io.btspeed.app.UserException;
import io.btspeed.engine.AddTorrentParams;
import io.btspeed.engine.Session;
import io.btspeed.engine.SessionConfig;
import io.btspeed.engine.TorrentHandle;
import io.btspeed.engine.TorrentState;
import io.btspeed.engine.TorrentStatus;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs one torrent in a session until it completes (download) or until the user stops it (seed),
 * showing progress, and stops cleanly on Ctrl-C / SIGTERM so resume data is saved.
 */
final class TorrentRun {
    private final NetworkOptions net;
    private final long downloadLimit;
    private final boolean directWrites;
    private final Set<Integer> selectedFiles;
    private final Progress progress = Progress.forStdout();
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);

    private final io.btspeed.app.market.MarketOptions marketOptions;
    private MarketRun market;

    TorrentRun(NetworkOptions net, long downloadLimit) {
        this(net, downloadLimit, null);
    }

    TorrentRun(NetworkOptions net, long downloadLimit, io.btspeed.app.market.MarketOptions marketOptions) {
        this(net, downloadLimit, marketOptions, true, Set.of());
    }

    /** @param selectedFiles indexes into the metainfo's files to download; empty for all */
    TorrentRun(NetworkOptions net, long downloadLimit, io.btspeed.app.market.MarketOptions marketOptions, boolean directWrites,
               Set<Integer> selectedFiles) {
        this.net = net;
        this.directWrites = directWrites;
        this.selectedFiles = Set.copyOf(selectedFiles);
        this.downloadLimit = downloadLimit;
        this.marketOptions = marketOptions;
    }

    /**
     * @param keepSeeding after every wanted piece is verified, keep serving until stopped
     * @return the process exit code
     */
    int run(TorrentSource source, Path dir, boolean keepSeeding, boolean mustBeComplete) throws Exception {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UserException("cannot create download directory " + dir + ": " + e.getMessage());
        }
        SessionConfig config = config(dir);
        if (marketOptions != null && marketOptions.enabled()) {
            market = MarketRun.open(marketOptions, source);
            config = config.withUploadSlots(market.uploadSlots());
        }
        Session session;
        try {
            session = Session.start(config);
        } catch (BindException e) {
            // bindAddress() already refused addresses this machine does not have, so this is the port
            throw new UserException("port " + net.port + " is already in use: pick another with --port N (or --port 0 for any free port)");
        } catch (IOException e) {
            throw new UserException("cannot listen on port " + net.port + ": " + e.getMessage());
        }
        Thread hook = new Thread(() -> {
            stopRequested.countDown();
            try {
                stopped.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "btspeed-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            progress.message("listening on " + (net.bind == null ? "0.0.0.0" : net.bind) + ":" + session.listenPort());
            AddTorrentParams params = switch (source) {
                case TorrentSource.File f -> new AddTorrentParams(f.metainfo(), null, dir, net.peers, selectedFiles, !net.noTrackers);
                case TorrentSource.Magnet m -> new AddTorrentParams(null, m.magnet(), dir, net.peers, Set.of(), !net.noTrackers);
            };
            if (market != null) params = market.attach(params);
            TorrentHandle handle = session.add(params);
            if (market != null) market.started(handle);
            try (LocalDiscovery lsd = net.lsd ? LocalDiscovery.start(handle, session.listenPort(), progress) : null;
                 DhtDiscovery dht = DhtDiscovery.start(session, handle, net, config.bindAddress(), session.listenPort(), config.stateDir(), progress)) {
                return loop(handle, keepSeeding, mustBeComplete);
            }
        } finally {
            session.close();
            if (market != null) {
                market.close(); // settles the channels we were paid in
                progress.message(market.summary());
            }
            stopped.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook is running: it waits for "stopped", which we just signalled
            }
        }
    }

    /** The session settings the options ask for; checks --bind first so its errors name the address. */
    SessionConfig config(Path dir) {
        Path stateDir = net.stateDir != null ? net.stateDir : dir.resolve(".btspeed");
        return SessionConfig.defaults()
                .withBindAddress(bindAddress())
                .withListenPort(net.port)
                .withRateLimits(net.uploadLimit, downloadLimit)
                .withStateDir(stateDir)
                .withMaxPeersPerTorrent(net.maxPeers)
                .withDirectWrites(directWrites);
    }

    private int loop(TorrentHandle handle, boolean keepSeeding, boolean mustBeComplete) throws InterruptedException {
        boolean announcedComplete = false;
        boolean reportedResume = false;
        long started = System.nanoTime();
        java.util.Map<String, String> trackerErrors = new java.util.HashMap<>();
        while (true) {
            TorrentStatus st = handle.status();
            reportTrackers(handle, trackerErrors);
            if (market != null) {
                String line = market.reportIfChanged(System.nanoTime());
                if (line != null) progress.message(line);
            }
            if (!reportedResume && handle.resumeSummary() != null) {
                progress.message(handle.resumeSummary());
                reportedResume = true;
            }
            if (st.state() == TorrentState.ERROR) {
                progress.message("error: " + st.error());
                return 1;
            }
            // seed: once the check is over the data must be whole, else the user pointed at the wrong place
            if (mustBeComplete && st.state() != TorrentState.CHECKING && st.state() != TorrentState.FETCHING_METADATA
                    && st.wantedDoneBytes() < st.wantedBytes()) {
                progress.message("error: the data in the download directory is incomplete or does not match the torrent"
                        + " (" + Sizes.format(st.wantedDoneBytes()) + " of " + Sizes.format(st.wantedBytes()) + " verified);"
                        + " check --dir, or use 'btspeed download' to fetch the rest");
                return 1;
            }
            boolean complete = handle.completion().isDone();
            if (complete && !announcedComplete) {
                double secs = (System.nanoTime() - started) / 1e9;
                progress.finish(snapshot(st));
                progress.message(String.format(java.util.Locale.ROOT, "complete: %s verified in %.2f s (%s)",
                        Sizes.format(st.wantedBytes()), secs,
                        Sizes.formatRate(secs > 0 ? (long) (st.totalDownloaded() / secs) : 0)));
                announcedComplete = true;
                if (!keepSeeding) return 0;
                progress.message("seeding; press Ctrl-C to stop");
            } else {
                progress.update(snapshot(st));
            }
            if (!complete) {
                // wake at completion itself, not at the next tick: the time printed above is measured
                try {
                    handle.completion().get(250, TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException
                         | java.util.concurrent.CancellationException notYet) {
                    // the next pass reports it (an error shows up in the status)
                }
            }
            if (complete ? stopRequested.await(250, TimeUnit.MILLISECONDS) : stopRequested.getCount() == 0) {
                progress.message("stopping...");
                return complete ? 0 : 130;
            }
        }
    }

    /**
     * A tracker that fails is a warning, not an error: the download goes on with other trackers and
     * peers. One line when a tracker's error changes and one when it answers again.
     */
    private void reportTrackers(TorrentHandle handle, java.util.Map<String, String> lastErrors) {
        for (var t : handle.trackers()) {
            String before = lastErrors.get(t.url());
            if (t.lastError() != null && !t.lastError().equals(before)) {
                progress.message("warning: tracker " + t.url() + ": " + t.lastError() + " (will retry)");
                lastErrors.put(t.url(), t.lastError());
            } else if (t.lastError() == null && before != null) {
                progress.message("tracker " + t.url() + " answers again");
                lastErrors.remove(t.url());
            }
        }
    }

    private static Progress.Snapshot snapshot(TorrentStatus st) {
        String label = switch (st.state()) {
            case CHECKING -> "checking";
            case FETCHING_METADATA -> "metadata";
            case DOWNLOADING -> "download";
            case SEEDING -> "seeding ";
            case PAUSED -> "paused  ";
            case ERROR -> "error   ";
        };
        boolean seeding = st.state() == TorrentState.SEEDING;
        long rate = seeding ? st.uploadRate() : st.downloadRate();
        String extra = seeding ? "up " + Sizes.format(st.totalUploaded())
                : "up " + Sizes.formatRate(st.uploadRate());
        return new Progress.Snapshot(label, st.wantedDoneBytes(), st.wantedBytes(), rate, st.peers(), extra);
    }

    /**
     * --bind takes an IP literal (never a name: a DNS lookup could hang or pick an address we don't
     * expect) that this machine can bind; otherwise listening fails with the same BindException as a
     * port in use, and the user would be told the wrong thing. A throwaway bind to port 0 is the
     * check, because the interface list misses addresses the kernel accepts (all of 127.0.0.0/8).
     */
    private InetAddress bindAddress() {
        if (net.bind == null) return null;
        InetAddress a;
        try {
            a = InetAddress.ofLiteral(net.bind);
        } catch (IllegalArgumentException e) {
            throw new UserException("--bind " + net.bind + " is not an IP address (e.g. 192.168.1.10 or ::1)");
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(a, 0));
        } catch (IOException e) {
            throw new UserException("--bind " + net.bind + " is not an address of this machine (" + e.getMessage() + ")");
        }
        return a;
    }
}
