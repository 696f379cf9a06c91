package io.btspeed.core.choke;

import java.util.Set;

/**
 * Result of a choke round: every peer in {@code unchoked} gets (or keeps) Unchoke, everyone else gets Choke.
 * {@code optimistic} is also in {@code unchoked}; -1 when there is none. {@code paid} is the subset a market
 * policy sold (empty for plain tit-for-tat), so the runtime can bill it.
 */
public record UnchokeDecision(Set<Integer> unchoked, int optimistic, Set<Integer> paid) {
    public UnchokeDecision {
        unchoked = Set.copyOf(unchoked);
        paid = Set.copyOf(paid);
        if (optimistic != -1 && !unchoked.contains(optimistic)) throw new IllegalArgumentException("optimistic peer not unchoked");
        if (!unchoked.containsAll(paid)) throw new IllegalArgumentException("paid peers not unchoked");
    }

    public boolean isUnchoked(int key) { return unchoked.contains(key); }
}
