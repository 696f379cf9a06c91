package io.btspeed.sim;

import java.util.Random;

/**
 * {@link Random}'s own generator and draws, with its state in a plain field instead of an {@code AtomicLong}. A peer's
 * picker and choke policy draw from one of these; a simulated peer is only ever worked on by one thread at a time
 * (and the hand-over between threads orders the writes), so the compare-and-set that makes {@code Random} safe to share
 * buys nothing here. It cost more than its own work: it is a locked instruction, a full fence on x86, taken ~40 million
 * times in a 10,000-peer run, each time in the middle of a pick whose cache misses could otherwise overlap.
 *
 * <p>Same sequence as {@code new Random(seed)}: the same 48-bit linear congruential step, the same scrambling of the
 * seed, and {@code Random}'s own methods turning {@link #next} into ints, bounded ints and the rest (tested).
 */
final class SimRandom extends Random {
    private static final long MULTIPLIER = 0x5DEECE66DL, ADDEND = 0xBL, MASK = (1L << 48) - 1;
    /** Not initialised here: {@code Random}'s constructor sets it through {@link #setSeed} before this class's initialisers would run. */
    private long state;

    SimRandom(long seed) {
        super(seed);
    }

    @Override
    public void setSeed(long seed) {
        state = (seed ^ MULTIPLIER) & MASK;
        super.setSeed(seed); // keeps Random's own bookkeeping (the cached Gaussian) as it would be
    }

    @Override
    protected int next(int bits) {
        state = (state * MULTIPLIER + ADDEND) & MASK;
        return (int) (state >>> (48 - bits));
    }
}
