package io.btspeed.core.picker;

/**
 * A peer handle that is the picker's request set for it, so {@link PiecePicker} finds the set without a table lookup
 * or another object to load: a caller that picks and receives for many peers (a swarm simulator, tens of millions of
 * pieces) extends this for its peer objects. Any other object works as a handle too, its set looked up in the
 * picker's table. A handle is the same peer only as itself ({@code equals} is identity), and if it is given to
 * several pickers, the first keeps its set here (until it forgets the peer) and the others in their tables.
 */
public abstract non-sealed class PeerHandle extends BlockKeySet {
    /** The picker whose request set this handle is; null when none (the set is then empty). */
    PiecePicker owner;

    /**
     * Blocks requested from this peer by the picker that keeps its set here and not yet delivered; 0 when none does.
     * Reading it also loads the set, which a block's arrival reads first (see {@link PiecePicker#prefetch}).
     */
    public final int outstanding() { return owner == null ? 0 : size(); }

    @Override
    public final boolean equals(Object o) { return this == o; }

    @Override
    public final int hashCode() { return System.identityHashCode(this); }
}
