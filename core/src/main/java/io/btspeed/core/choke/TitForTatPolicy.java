package io.btspeed.core.choke;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Classic choking (BEP 3 + common practice): slots − 1 regular slots go to the interested peers that are best for
 * us — while leeching, those we download from fastest (reciprocation); while seeding, those we upload to fastest
 * (so a few peers get full speed, which spreads pieces faster than trickling to many). One optimistic slot goes to
 * a random other interested peer and is kept for {@code optimisticPeriodNanos} (30 s) so a new peer can show what it
 * can give; peers never tried before are preferred. Snubbed peers are not rewarded with regular slots.
 *
 * <p>Ties: candidates are ranked by (not snubbed first, rate descending) and equal ranks go by key; the optimistic
 * draw is uniform over the eligible candidates in key order. A round works on index arrays kept between rounds
 * (a simulator runs millions of rounds: no boxed keys, no comparator objects, no hash sets). Not thread-safe: one
 * round at a time, as its state (the optimistic peer, who was tried) already requires.
 */
public final class TitForTatPolicy implements SlotPolicy {
    private final Random random;
    private final long optimisticPeriodNanos;
    /** Keys that held the optimistic slot while still connected (a peer gone from a round's list is forgotten). */
    private int[] tried = new int[8];
    private int triedCount;
    private int optimistic = -1;
    private long optimisticSinceNanos;
    /** Working arrays of a round, grown as needed: candidate indices by key, then ranked; keys of this round. */
    private int[] byKey = new int[16], ranked = new int[16], pool = new int[16], keys = new int[16];
    private long[] sortKeys = new long[16];

    public TitForTatPolicy(Random random, long optimisticPeriodNanos) {
        this.random = random;
        this.optimisticPeriodNanos = optimisticPeriodNanos;
    }

    public TitForTatPolicy(Random random) { this(random, 30_000_000_000L); }

    @Override
    public UnchokeDecision decide(List<PeerStats> peers, ChokeContext ctx) {
        int size = peers.size();
        if (byKey.length < size) {
            int cap = Math.max(size, 2 * byKey.length);
            byKey = new int[cap];
            ranked = new int[cap];
            pool = new int[cap];
            keys = new int[cap];
            sortKeys = new long[cap];
        }
        // interested peers by key, equal keys in list order (what a stable sort by key gives)
        int n = 0;
        for (int i = 0; i < size; i++) {
            PeerStats p = peers.get(i);
            if (p.interested()) sortKeys[n++] = ((long) p.key() << 32) | i;
        }
        Arrays.sort(sortKeys, 0, n);
        for (int i = 0; i < n; i++) byKey[i] = (int) sortKeys[i];
        // ranked: not snubbed first, then by rate descending; a stable insertion sort keeps equal ranks in key order
        boolean seeding = ctx.seeding();
        for (int i = 0; i < n; i++) {
            int c = byKey[i];
            PeerStats pc = peers.get(c);
            int j = i;
            while (j > 0 && rankedBefore(pc, peers.get(ranked[j - 1]), seeding)) {
                ranked[j] = ranked[j - 1];
                j--;
            }
            ranked[j] = c;
        }

        Integer[] unchoked = new Integer[Math.max(0, ctx.slots())];
        int un = 0;
        int regular = Math.max(0, ctx.slots() - 1);
        boolean keepOptimistic = optimistic != -1 && ctx.nowNanos() - optimisticSinceNanos < optimisticPeriodNanos
                && containsCandidate(peers, n, optimistic);
        for (int r = 0; r < n && un < regular; r++) {
            PeerStats p = peers.get(ranked[r]);
            if (keepOptimistic && p.key() == optimistic) continue;
            if (p.snubbed() && !seeding) continue;
            if (!contains(unchoked, un, p.key())) unchoked[un++] = p.key();
        }
        if (!keepOptimistic) {
            int m = 0;
            for (int i = 0; i < n; i++) {
                int k = peers.get(byKey[i]).key();
                if (!contains(unchoked, un, k) && !wasTried(k)) pool[m++] = k;
            }
            if (m == 0) {
                for (int i = 0; i < n; i++) {
                    int k = peers.get(byKey[i]).key();
                    if (!contains(unchoked, un, k) && k != optimistic) pool[m++] = k;
                }
            }
            if (m == 0) {
                for (int i = 0; i < n; i++) {
                    int k = peers.get(byKey[i]).key();
                    if (!contains(unchoked, un, k)) pool[m++] = k;
                }
            }
            if (m == 0) {
                optimistic = -1;
            } else {
                optimistic = pool[random.nextInt(m)];
                optimisticSinceNanos = ctx.nowNanos();
                if (!wasTried(optimistic)) {
                    if (triedCount == tried.length) tried = Arrays.copyOf(tried, 2 * tried.length);
                    tried[triedCount++] = optimistic;
                }
            }
        }
        if (optimistic != -1 && !contains(unchoked, un, optimistic)) {
            if (un == unchoked.length) unchoked = Arrays.copyOf(unchoked, un + 1);
            unchoked[un++] = optimistic;
        }
        forgetDeparted(peers);
        return new UnchokeDecision(Set.of(un == unchoked.length ? unchoked : Arrays.copyOf(unchoked, un)), optimistic, Set.of());
    }

    /** a comes before b in the regular slots' ranking: not snubbed first, then the higher rate. */
    private static boolean rankedBefore(PeerStats a, PeerStats b, boolean seeding) {
        if (a.snubbed() != b.snubbed()) return !a.snubbed();
        return seeding ? Double.compare(a.uploadRate(), b.uploadRate()) > 0 : Double.compare(a.downloadRate(), b.downloadRate()) > 0;
    }

    private boolean containsCandidate(List<PeerStats> peers, int n, int key) {
        for (int i = 0; i < n; i++) if (peers.get(byKey[i]).key() == key) return true;
        return false;
    }

    private static boolean contains(Integer[] keys, int n, int key) {
        for (int i = 0; i < n; i++) if (keys[i] == key) return true;
        return false;
    }

    private boolean wasTried(int key) {
        for (int i = 0; i < triedCount; i++) if (tried[i] == key) return true;
        return false;
    }

    /** Forgets tried peers not in this round's list, so the tried set does not grow without bound. */
    private void forgetDeparted(List<PeerStats> peers) {
        if (triedCount == 0) return;
        int size = peers.size();
        for (int i = 0; i < size; i++) keys[i] = peers.get(i).key();
        Arrays.sort(keys, 0, size);
        int kept = 0;
        for (int i = 0; i < triedCount; i++) {
            if (Arrays.binarySearch(keys, 0, size, tried[i]) >= 0) tried[kept++] = tried[i];
        }
        triedCount = kept;
    }
}
