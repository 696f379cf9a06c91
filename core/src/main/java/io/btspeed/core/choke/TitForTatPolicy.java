package io.btspeed.core.choke;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Classic choking (BEP 3 + common practice): slots − 1 regular slots go to the interested peers that are best for
 * us — while leeching, those we download from fastest (reciprocation); while seeding, those we upload to fastest
 * (so a few peers get full speed, which spreads pieces faster than trickling to many). One optimistic slot goes to
 * a random other interested peer and is kept for {@code optimisticPeriodNanos} (30 s) so a new peer can show what it
 * can give; peers never tried before are preferred. Snubbed peers are not rewarded with regular slots.
 */
public final class TitForTatPolicy implements SlotPolicy {
    private final Random random;
    private final long optimisticPeriodNanos;
    private final Set<Integer> tried = new HashSet<>();
    private int optimistic = -1;
    private long optimisticSinceNanos;

    public TitForTatPolicy(Random random, long optimisticPeriodNanos) {
        this.random = random;
        this.optimisticPeriodNanos = optimisticPeriodNanos;
    }

    public TitForTatPolicy(Random random) { this(random, 30_000_000_000L); }

    @Override
    public UnchokeDecision decide(List<PeerStats> peers, ChokeContext ctx) {
        List<PeerStats> candidates = new ArrayList<>();
        for (PeerStats p : peers) if (p.interested()) candidates.add(p);
        // stable order before sorting so equal rates break ties by key, not by list order from the caller
        candidates.sort(Comparator.comparingInt(PeerStats::key));
        Comparator<PeerStats> byValue = ctx.seeding()
                ? Comparator.comparingDouble(PeerStats::uploadRate).reversed()
                : Comparator.comparingDouble(PeerStats::downloadRate).reversed();
        List<PeerStats> ranked = new ArrayList<>(candidates);
        ranked.sort(Comparator.comparing(PeerStats::snubbed).thenComparing(byValue));

        Set<Integer> unchoked = new HashSet<>();
        int regular = Math.max(0, ctx.slots() - 1);
        boolean keepOptimistic = optimistic != -1 && ctx.nowNanos() - optimisticSinceNanos < optimisticPeriodNanos
                && containsInterested(candidates, optimistic);
        for (PeerStats p : ranked) {
            if (unchoked.size() >= regular) break;
            if (keepOptimistic && p.key() == optimistic) continue;
            if (p.snubbed() && !ctx.seeding()) continue;
            unchoked.add(p.key());
        }
        if (!keepOptimistic) {
            List<PeerStats> pool = new ArrayList<>();
            for (PeerStats p : candidates) if (!unchoked.contains(p.key()) && !tried.contains(p.key())) pool.add(p);
            if (pool.isEmpty()) {
                for (PeerStats p : candidates) if (!unchoked.contains(p.key()) && p.key() != optimistic) pool.add(p);
            }
            if (pool.isEmpty()) {
                for (PeerStats p : candidates) if (!unchoked.contains(p.key())) pool.add(p);
            }
            if (pool.isEmpty()) {
                optimistic = -1;
            } else {
                optimistic = pool.get(random.nextInt(pool.size())).key();
                optimisticSinceNanos = ctx.nowNanos();
                tried.add(optimistic);
            }
        }
        if (optimistic != -1) unchoked.add(optimistic);
        // forget departed peers so the tried set does not grow without bound
        Set<Integer> present = new HashSet<>();
        for (PeerStats p : peers) present.add(p.key());
        tried.retainAll(present);
        return new UnchokeDecision(unchoked, optimistic, Set.of());
    }

    private static boolean containsInterested(List<PeerStats> candidates, int key) {
        for (PeerStats p : candidates) if (p.key() == key) return true;
        return false;
    }
}
