package io.btspeed.core.choke;

import java.util.List;
import java.util.Optional;

/**
 * Runs choke rounds every {@code intervalNanos} (10 s). Pure: the runtime calls {@link #tick} with the clock and
 * the current peer stats and applies the decision when one is returned. {@link #forceRound} lets it re-decide
 * early, e.g. when an unchoked peer leaves or loses interest.
 */
public final class Choker {
    private final SlotPolicy policy;
    private final long intervalNanos;
    private long nextRoundNanos = Long.MIN_VALUE;
    private long round;

    public Choker(SlotPolicy policy, long intervalNanos) {
        if (intervalNanos <= 0) throw new IllegalArgumentException("interval must be positive");
        this.policy = policy;
        this.intervalNanos = intervalNanos;
    }

    public Choker(SlotPolicy policy) { this(policy, 10_000_000_000L); }

    /** The interval passed, or the policy asked not to wait for it (see {@link SlotPolicy#roundWanted()}). */
    public boolean roundDue(long nowNanos) {
        return nextRoundNanos == Long.MIN_VALUE || nowNanos >= nextRoundNanos || policy.roundWanted();
    }

    public Optional<UnchokeDecision> tick(long nowNanos, List<PeerStats> peers, boolean seeding, int slots) {
        if (!roundDue(nowNanos)) return Optional.empty();
        return Optional.of(forceRound(nowNanos, peers, seeding, slots));
    }

    public UnchokeDecision forceRound(long nowNanos, List<PeerStats> peers, boolean seeding, int slots) {
        nextRoundNanos = nowNanos + intervalNanos;
        return policy.decide(peers, new ChokeContext(nowNanos, seeding, slots, round++));
    }

    public long round() { return round; }

    /**
     * When the interval runs out and {@link #roundDue} turns true on its own: {@code Long.MIN_VALUE} before the first
     * round (due at once), then the last round's time plus the interval. A policy's wish for an early round
     * ({@link SlotPolicy#roundWanted()}) comes on top. Lets a caller with many chokers visit only the due ones.
     */
    public long nextRoundAt() { return nextRoundNanos; }
}
