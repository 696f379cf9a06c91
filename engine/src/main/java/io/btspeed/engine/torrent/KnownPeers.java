package io.btspeed.engine.torrent;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Every address a torrent has learned (user, magnet, tracker, PEX), when each may be dialed next, which are being
 * dialed and which are banned. Guarded by the torrent lock; the dialing itself happens outside it.
 */
final class KnownPeers {
    static final long REDIAL_AFTER = 30_000_000_000L;
    private static final int MAX_DIAL_ATTEMPTS = 3;
    /** The longest wait between dials of a user's peer that keeps failing. */
    static final long PINNED_MAX_WAIT = 5 * 60_000_000_000L;
    /** Addresses beyond this are ignored: a PEX or tracker flood must not grow memory without bound. */
    private static final int MAX_KNOWN = 4096;

    private final Map<InetSocketAddress, DialState> known = new LinkedHashMap<>();
    private final Set<InetSocketAddress> dialing = new HashSet<>();
    private final Set<InetSocketAddress> banned = new HashSet<>();

    private static final class DialState {
        long notBefore;
        int attempts;
        boolean self;
        /**
         * Given by the user (`--peer`): never given up after failed dials, only dialed less often. A user who names
         * a peer expects the client to keep trying it, as other clients do; a peer restarting or briefly
         * unreachable must not be lost for the rest of the download.
         */
        boolean pinned;

        /** Forget past failures so the address is dialed at the next chance. */
        void reset() {
            attempts = 0;
            notBefore = 0;
        }
    }

    /** An address given up front (the user's peers): kept regardless of the bound, and never given up. */
    void add(InetSocketAddress a) {
        DialState d = new DialState();
        d.pinned = true;
        known.put(a, d);
    }

    void learn(InetSocketAddress a) {
        if (known.size() >= MAX_KNOWN && !known.containsKey(a)) return;
        known.putIfAbsent(a, new DialState());
    }

    /** Dial this one at the next chance, whatever failed before. */
    void retrySoon(InetSocketAddress a) {
        DialState d = known.get(a);
        if (d != null) d.reset();
    }

    void retryAll() {
        for (DialState d : known.values()) d.reset();
    }

    /** Dialing this address reached ourselves. */
    void markSelf(InetSocketAddress a) {
        known.computeIfAbsent(a, x -> new DialState()).self = true;
    }

    void connected(InetSocketAddress a) {
        known.computeIfAbsent(a, x -> new DialState()).attempts = 0;
    }

    /** A connection we had dialed ended: wait before dialing it again. */
    void disconnected(InetSocketAddress a, long now) {
        DialState d = known.get(a);
        if (d != null) d.notBefore = now + REDIAL_AFTER;
    }

    void ban(InetSocketAddress a) {
        banned.add(a);
    }

    boolean isBanned(InetSocketAddress a) {
        return banned.contains(a);
    }

    int dialingCount() {
        return dialing.size();
    }

    void dialFinished(InetSocketAddress a) {
        dialing.remove(a);
    }

    /**
     * Chooses up to {@code room} addresses to dial now and marks them as being dialed. Skips ourselves, the
     * connected, the banned, those dialed too often and those still waiting; {@code ownListenSocket} recognises
     * our own listen address, which trackers like to hand back.
     */
    List<InetSocketAddress> chooseTargets(int room, Set<InetSocketAddress> connected, long now,
                                          Predicate<InetSocketAddress> ownListenSocket) {
        List<InetSocketAddress> targets = new ArrayList<>();
        for (var e : known.entrySet()) {
            if (targets.size() >= room) break;
            InetSocketAddress a = e.getKey();
            DialState d = e.getValue();
            if (d.self || (d.attempts >= MAX_DIAL_ATTEMPTS && !d.pinned) || now < d.notBefore || dialing.contains(a)
                    || connected.contains(a) || banned.contains(a)) continue;
            if (ownListenSocket.test(a)) {
                d.self = true;
                continue;
            }
            d.attempts++;
            d.notBefore = now + redialWait(d.attempts);
            dialing.add(a);
            targets.add(a);
        }
        return targets;
    }

    /**
     * How long to wait after dial number {@code attempts} before the next: {@link #REDIAL_AFTER} for the usual
     * attempts, then doubling (only a pinned peer gets further) up to {@link #PINNED_MAX_WAIT}.
     */
    static long redialWait(int attempts) {
        int beyond = attempts - MAX_DIAL_ATTEMPTS;
        return beyond <= 0 ? REDIAL_AFTER : Math.min(PINNED_MAX_WAIT, REDIAL_AFTER << Math.min(beyond, 4));
    }

    List<InetSocketAddress> addresses() {
        return List.copyOf(known.keySet());
    }
}
