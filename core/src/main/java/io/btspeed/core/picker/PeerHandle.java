package io.btspeed.core.picker;

/**
 * A peer handle that keeps the picker's request set for it, so {@link PiecePicker} finds it without a table lookup:
 * a caller that picks and receives for many peers (a swarm simulator, tens of millions of pieces) extends this for
 * its peer objects. Any other object works as a handle too, looked up in the picker's table. A handle is the same
 * peer only as itself ({@code equals} is identity), and if it is given to several pickers, the first keeps its set
 * here and the others in their tables.
 */
public abstract class PeerHandle {
    /** The picker whose request set {@link #requests} is; null when none is kept here. */
    PiecePicker owner;
    BlockKeySet requests;

    @Override
    public final boolean equals(Object o) { return this == o; }

    @Override
    public final int hashCode() { return System.identityHashCode(this); }
}
