package io.btspeed.sim;

import io.btspeed.core.bitfield.Bitfield;

/**
 * Whether a downloader is interested in an uploader: the uploader has a piece the downloader lacks and the downloader
 * has heard of (its picker has read the uploader's log up to the link's cursor). Worked out from the two bitfields and
 * the uploader's log when asked, with what was found last time kept on the link to make the next question cheap.
 * Static and side-effect free apart from those memos on the link, so the catch-up and the choke decisions call it on
 * any thread for the links they own.
 */
final class Interest {
    private Interest() {}

    /**
     * {@code l.down} is interested in {@code l.up}: the uploader has a piece the downloader lacks and the
     * downloader's picker has been told of (it is not among the uploader's gains after the link's cursor). Read off
     * the two bitfields when asked, which is rarer than keeping a count per link up to date on every piece gained.
     */
    static boolean interested(Link l) {
        return interested(l, l.up.have, l.up.logLen);
    }

    /** {@link #interested(Link)} with the uploader known by {@code uh}, its log read up to {@code logEnd}. */
    static boolean interested(Link l, Bitfield uh, int logEnd) {
        if (l.down.picker == null) return false;
        // a HaveAll uploader offers everything a leecher lacks
        return l.countedAsSeed || offersKnownPiece(l, l.cursor(), uh, logEnd);
    }

    /**
     * Whether {@code l.up} has a piece {@code l.down} lacks that is not in the uploader's log from {@code cursor} on.
     * The answer found last time ({@link Link#hint}) is tried first and the scan starts at its word, so asking again
     * while the answer stands costs a few reads. A "no" is remembered with its cursor ({@link Link#noneKnownAt}): the
     * pieces known then were all had by the downloader, and still are (a downloader never loses a piece), so asking
     * again with a later cursor only reads the log between the two cursors instead of both bitfields.
     */
    static boolean offersKnownPiece(Link l, int cursor) {
        return offersKnownPiece(l, cursor, l.up.have, l.up.logLen);
    }

    /**
     * {@link #offersKnownPiece(Link, int)} with the uploader's pieces {@code uh}, the ones in its log from position
     * {@code logEnd} on not among them: its bitfield and log length, or what it had at the round's start (the same
     * known pieces, and stable while the round's deliveries set bits and append to logs on other threads).
     */
    static boolean offersKnownPiece(Link l, int cursor, Bitfield uh, int logEnd) {
        Bitfield dh = l.down.have;
        int h = l.hint;
        // a hint once found stays offered and known (an uploader never loses a piece, a cursor only advances): it
        // only has to be one the downloader still lacks
        if (l.hintFound && !dh.get(h)) return true;
        int none = l.noneKnownAt;
        if (none >= 0 && none <= cursor) {
            int[] log = l.up.log;
            for (int c = none; c < cursor; c++) {
                if (!dh.get(log[c])) {
                    l.hint = log[c];
                    l.hintFound = true;
                    l.noneKnownAt = -1;
                    return true;
                }
            }
            l.noneKnownAt = cursor;
            return false;
        }
        int n = uh.wordCount();
        for (int i = 0, w = h >>> 6; i < n; i++, w = w + 1 == n ? 0 : w + 1) {
            for (long x = uh.word(w) & ~dh.word(w); x != 0; x &= x - 1) {
                int p = (w << 6) + Long.numberOfTrailingZeros(x);
                if (!unread(l.up, cursor, p, logEnd)) {
                    l.hint = p;
                    l.hintFound = true;
                    l.noneKnownAt = -1;
                    return true;
                }
            }
        }
        l.noneKnownAt = cursor;
        return false;
    }

    /** {@code p} is among {@code u}'s gains from log position {@code cursor} to {@code end} (a round's gains at most). */
    private static boolean unread(SimPeer u, int cursor, int p, int end) {
        int[] log = u.log;
        for (int c = cursor; c < end; c++) if (log[c] == p) return true;
        return false;
    }
}
