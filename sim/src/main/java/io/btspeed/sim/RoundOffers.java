package io.btspeed.sim;

/**
 * What each uploader offers each of its links in a round. An uploader splits its capacity over its unchoked links
 * that carry data this round (a piece in flight, past the unchoke's round trip), buyers in paid slots first as the
 * engine's upload throttle serves them ({@link UploadShares}). Which links carry data is settled by their
 * downloaders' catch-ups (the picks ahead), so each catch-up counts its own links here ({@link #carrying}), per
 * thread and by uploader id; {@link #split} then works out every uploader's two shares from the counts alone, and the
 * deliveries read a link's offer off its uploader's share ({@link #offer}). No pass over the uploaders' links of
 * their own: the links are read where they are in cache anyway, by the downloaders that own them.
 */
final class RoundOffers {
    /** A paid link's count, in the high half: an uploader has far fewer than 65,536 unchoked links. */
    private static final int PAID = 1 << 16;
    /** Per thread, per uploader id: links carrying data this round (low half) and how many of them are paid (high). */
    private final int[][] counts;
    private final double[] upBps, share, paidShare;

    RoundOffers(SimPeer[] peers, int threads) {
        counts = new int[threads][peers.length];
        upBps = new double[peers.length];
        share = new double[peers.length];
        paidShare = new double[peers.length];
        for (SimPeer p : peers) upBps[p.id] = p.upBps;
    }

    /** Link {@code l}, counted by a catch-up on thread {@code thread}, carries data this round. */
    void carrying(int thread, Link l) {
        counts[thread][l.upId] += l.paid ? PAID + 1 : 1;
    }

    /**
     * Every uploader's shares of a round of {@code dt} seconds from the counts, which start again at 0. A share is
     * per link for its whole round; a link that starts carrying mid-round gets its fraction of it ({@link #offer}).
     */
    void split(double dt) {
        int[][] c = counts;
        for (int u = 0; u < upBps.length; u++) {
            int n = 0;
            for (int[] t : c) {
                n += t[u];
                t[u] = 0;
            }
            if (n == 0) continue;
            int active = n & (PAID - 1), activePaid = n >>> 16;
            paidShare[u] = upBps[u] * dt * UploadShares.paid(activePaid, active - activePaid);
            share[u] = upBps[u] * dt * UploadShares.ordinary(activePaid, active - activePaid);
        }
    }

    /**
     * Bytes {@code l}'s uploader offers it in the round from {@code now} to {@code roundEnd} (before the downloader's
     * capacity scales it): its share, for the part of the round after the unchoke's round trip; 0 if it carries no
     * data. Valid between {@link #split} and the end of the round's deliveries.
     */
    double offer(Link l, long now, long roundEnd) {
        if (l.piece < 0 || l.startAt >= roundEnd) return 0;
        double frac = l.startAt <= now ? 1 : (double) (roundEnd - l.startAt) / (roundEnd - now);
        return (l.paid ? paidShare[l.upId] : share[l.upId]) * frac;
    }
}
