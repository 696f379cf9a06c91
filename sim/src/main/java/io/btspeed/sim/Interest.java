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
        return interested(l, false);
    }

    /**
     * {@link #interested(Link)} with the uploader known by what it has now ({@code atRoundStart} false) or by what it
     * had at the round's start ({@link SimPeer#shown}).
     */
    static boolean interested(Link l, boolean atRoundStart) {
        if (l.downHave.isComplete()) return false; // a seed wants nothing (its picker is gone)
        // a HaveAll uploader offers everything a leecher lacks
        return l.countedAsSeed || offersKnownPiece(l, l.cursor(), atRoundStart);
    }

    /**
     * Whether {@code l.up} has a piece {@code l.down} lacks that is not in the uploader's log from {@code cursor} on.
     * The answer found last time ({@link Link#hint}) is tried first and the scan starts at its word, so asking again
     * while the answer stands costs a few reads. A "no" is remembered with its cursor ({@link Link#noneKnownAt}): the
     * pieces known then were all had by the downloader, and still are (a downloader never loses a piece), so asking
     * again with a later cursor only reads the log between the two cursors instead of both bitfields.
     */
    static boolean offersKnownPiece(Link l, int cursor) {
        return offersKnownPiece(l, cursor, false);
    }

    /**
     * {@link #offersKnownPiece(Link, int)} with the uploader's pieces now or, {@code atRoundStart}, as of the round's
     * start: its bitfield and log length then (the same known pieces, and stable while the round's deliveries set bits
     * and append to logs on other threads). Only a scan of the bitfields reads the uploader itself.
     */
    static boolean offersKnownPiece(Link l, int cursor, boolean atRoundStart) {
        Bitfield dh = l.downHave;
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
        Bitfield uh = atRoundStart ? l.upShown : l.upHave;
        int logEnd = atRoundStart ? l.up.shownLen : l.up.logLen;
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
