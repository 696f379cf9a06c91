package io.btspeed.core.rate;

/**
 * Bytes per second over a sliding window, from (bytes, nowNanos) samples. The window is split into fixed
 * slots in a ring so adding a sample is O(1) and allocation-free; the rate counts the full slots inside the
 * window plus the current partial one, divided by the time actually covered (so a fresh meter is not diluted
 * by a window it has not lived through yet).
 */
public final class RateMeter {
    private final long slotNanos;
    private final long[] slots;
    private long currentSlot = Long.MIN_VALUE; // absolute slot number of the newest slot
    private long startNanos = Long.MIN_VALUE;
    private long total;

    public RateMeter(long windowNanos, int slotCount) {
        if (windowNanos <= 0 || slotCount <= 0 || windowNanos < slotCount) throw new IllegalArgumentException("bad window");
        this.slotNanos = windowNanos / slotCount;
        this.slots = new long[slotCount];
    }

    /** 5 s window in 20 slots — the horizon choking and pipeline sizing react on. */
    public RateMeter() { this(5_000_000_000L, 20); }

    public void add(long bytes, long nowNanos) {
        advance(nowNanos);
        slots[(int) Math.floorMod(currentSlot, (long) slots.length)] += bytes;
        total += bytes;
    }

    public long total() { return total; }

    /** Bytes per second over the window ending at now. */
    public double rate(long nowNanos) {
        if (startNanos == Long.MIN_VALUE) return 0;
        advance(nowNanos);
        long sum = 0;
        for (long s : slots) sum += s;
        long covered = Math.min((long) slots.length * slotNanos, nowNanos - startNanos);
        long windowStart = (currentSlot - slots.length + 1) * slotNanos;
        covered = Math.min(covered, nowNanos - windowStart);
        if (covered < slotNanos) covered = slotNanos; // avoid huge rates from a single instant
        return sum * 1e9 / covered;
    }

    private void advance(long nowNanos) {
        long slot = Math.floorDiv(nowNanos, slotNanos);
        if (startNanos == Long.MIN_VALUE) {
            startNanos = nowNanos;
            currentSlot = slot;
            return;
        }
        if (slot <= currentSlot) return; // time never goes back for us; late samples land in the newest slot
        long steps = Math.min(slot - currentSlot, slots.length);
        for (long i = 1; i <= steps; i++) slots[(int) Math.floorMod(currentSlot + i, (long) slots.length)] = 0;
        currentSlot = slot;
    }
}
