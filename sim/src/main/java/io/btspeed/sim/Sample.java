package io.btspeed.sim;

/**
 * The swarm at one instant.
 *
 * @param availablePieces pieces at least one present peer holds
 * @param fullCopy        every piece is held by someone present: the file can still be completed
 */
public record Sample(double t, int leechers, int seeds, int completedTotal, int availablePieces, boolean fullCopy,
        long tokensEarnedTotal) {}
