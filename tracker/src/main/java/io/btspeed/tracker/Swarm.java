package io.btspeed.tracker;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The peers of one info-hash. Not thread-safe: {@link SwarmRegistry} locks it. Peers are keyed by
 * the address others would dial (ip, port): that is what a reply hands out, and a client that
 * restarts with a new peer id replaces its old entry instead of doubling it. A list beside the map
 * gives O(1) removal (swap with the last) and cheap random starting points for replies.
 */
final class Swarm {
    private record Key(InetAddress address, int port) {}

    private static final class Slot {
        final Key key;
        PeerEntry entry;
        boolean seeder;
        /** Its completed event was counted: a repeat is not a second download. */
        boolean countedCompleted;
        long lastSeen;
        int index;

        Slot(Key key) {
            this.key = key;
        }
    }

    private final Map<Key, Slot> byAddress = new HashMap<>();
    private final List<Slot> slots = new ArrayList<>();
    private int seeders;
    private int completed;
    /** Set once the registry dropped this swarm; an announce that raced with that retries on a fresh one. */
    boolean removed;

    int size() {
        return slots.size();
    }

    int seeders() {
        return seeders;
    }

    int leechers() {
        return slots.size() - seeders;
    }

    int completed() {
        return completed;
    }

    /** Records the announce (unless the swarm is full) and returns up to {@code want} other peers. */
    List<PeerEntry> announce(AnnounceRequest r, long now, long timeoutMillis, int maxPeers, int want, int family, Random random) {
        Key key = new Key(r.address(), r.port());
        Slot slot = byAddress.get(key);
        if (r.event() == AnnounceEvent.STOPPED) {
            if (slot != null) remove(slot);
            return List.of();
        }
        // Counted once per peer, seeder or not: a client whose download beat its first announce (peers from
        // LSD, DHT or PEX) says started with left=0 and then completed, and that is a download all the same.
        boolean countNow = r.event() == AnnounceEvent.COMPLETED && (slot == null || !slot.countedCompleted);
        if (countNow) completed++;
        if (slot == null && slots.size() < maxPeers) {
            slot = new Slot(key);
            slot.index = slots.size();
            slots.add(slot);
            byAddress.put(key, slot);
        }
        if (slot != null) {
            if (slot.entry == null || !java.util.Arrays.equals(slot.entry.peerId(), r.peerId())) {
                slot.entry = new PeerEntry(r.peerId(), r.address(), r.port());
            }
            if (slot.seeder != r.isSeeder()) seeders += r.isSeeder() ? 1 : -1;
            slot.seeder = r.isSeeder();
            slot.countedCompleted |= countNow;
            slot.lastSeen = now;
        }
        return pick(key, r.isSeeder(), now, timeoutMillis, want, family, random);
    }

    private List<PeerEntry> pick(Key self, boolean forSeeder, long now, long timeoutMillis, int want, int family, Random random) {
        int n = slots.size();
        if (want <= 0 || n == 0) return List.of();
        List<PeerEntry> out = new ArrayList<>(Math.min(want, n));
        int start = random.nextInt(n);
        // a walk from a random start spreads load over the swarm without building a shuffled copy
        for (int i = 0; i < n && out.size() < want; i++) {
            Slot s = slots.get((start + i) % n);
            if (s.key.equals(self)) continue;
            if (forSeeder && s.seeder) continue; // seeders have nothing to give each other
            if (now - s.lastSeen > timeoutMillis) continue;
            if (family != 0 && s.key.address.getAddress().length != family) continue;
            out.add(s.entry);
        }
        return out;
    }

    /** Drops peers not heard from within the timeout; returns how many were dropped. */
    int expire(long now, long timeoutMillis) {
        int dropped = 0;
        for (int i = slots.size() - 1; i >= 0; i--) {
            Slot s = slots.get(i);
            if (now - s.lastSeen > timeoutMillis) {
                remove(s);
                dropped++;
            }
        }
        return dropped;
    }

    private void remove(Slot s) {
        byAddress.remove(s.key);
        int last = slots.size() - 1;
        Slot moved = slots.get(last);
        slots.set(s.index, moved);
        moved.index = s.index;
        slots.remove(last);
        if (s.seeder) seeders--;
    }
}
