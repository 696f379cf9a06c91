package io.btspeed.sim;

/**
 * One direction of a connection: {@code up} sends to {@code down}. Flow-level state only — the piece in flight
 * and its bytes, not blocks. The link object is also the peer handle {@code down}'s PiecePicker knows it by, and
 * keeps that picker's request set for it (a {@link io.btspeed.core.picker.PeerHandle}: no table lookup per piece).
 */
final class Link extends io.btspeed.core.picker.PeerHandle {
    final SimPeer up, down;
    /** {@code up}'s id: the round's offers are looked up by it ({@link RoundOffers}) without loading {@code up}. */
    final int upId;
    /**
     * {@code up}'s bitfields (now and as of the round's start) and {@code down}'s, which never change object: a pick
     * and an interest check read them through the link, which the caller has in cache, not through the peer objects,
     * which it mostly has not.
     */
    final io.btspeed.core.bitfield.Bitfield upHave, upShown, downHave;
    /** {@code down}'s key and whether it takes part in the market, which never change: for {@code up}'s choke rounds. */
    final int downKey;
    final boolean downMarket;
    /**
     * {@code up} holds an auction (its market policy, set when it arrived, before any link): read where a payment or a
     * bid asks, instead of loading the uploader, which the caller mostly has out of cache.
     */
    final boolean upMarket;
    /** Order of creation: a peer's {@code in} list is in this order, and so is its {@code unchokedBy}. */
    final long seq;
    Link reverse;
    /** {@code up}'s choker unchokes {@code down}. */
    boolean unchoked;
    /** The slot was sold in {@code up}'s last auction; {@code price} is its clearing price (base units per MiB). */
    boolean paid;
    long price;
    /** A piece {@code up} offered {@code down} when last asked: where the interest check looks first (speed only). */
    int hint;
    boolean hintFound;
    /**
     * The cursor at which {@code up} was last found to offer {@code down} no known piece, -1 if not known to be so
     * (speed only, see {@code Interest.offersKnownPiece}).
     */
    int noneKnownAt = -1;
    /**
     * This link's slot in {@code down}'s {@link InFeed} and that feed's state array (its cursor, hint and
     * nothing-to-pick flag live there, next to the other incoming links'); -1 and null once closed.
     */
    int slot = -1;
    int[] feedState;

    /** How far {@code down}'s picker has read {@code up}'s log of gained pieces (see {@link SimPeer#log}). */
    int cursor() { return feedState[slot * InFeed.STRIDE + InFeed.CURSOR]; }

    void cursor(int c) { feedState[slot * InFeed.STRIDE + InFeed.CURSOR] = c; }

    /** The last pick from this uploader found nothing; cleared when that may have changed. */
    boolean nothingToPick() { return feedState[slot * InFeed.STRIDE + InFeed.NOTHING] != 0; }

    void nothingToPick(boolean b) { feedState[slot * InFeed.STRIDE + InFeed.NOTHING] = b ? 1 : 0; }
    /** Piece in flight, -1 for none, and its bytes still to come. */
    int piece = -1;
    /** The piece requested to follow it (pipelining one piece deep), -1 for none. */
    int next = -1;
    long remaining;
    /** Virtual time (ns) before which no data flows: the request round trip after an unchoke. */
    long startAt;
    /** Counted {@code up} as a seed in {@code down}'s picker (HaveAll) rather than by its bitfield. */
    boolean countedAsSeed;
    long connectedAt;
    /** The payment flows of this link once it carried a paid piece, else null (the same as {@code SimPayments}' map holds). */
    SimPayments.Pair pair;
    /** Bytes offered this round (before the downloader's capacity scales it), set by its downloader's deliveries. */
    double offer;
    /** Bytes carried in total, and the totals when the uploader / downloader last measured the rate. */
    long bytes, snapUp, snapDown;

    Link(SimPeer up, SimPeer down, long now, long seq) {
        this.up = up;
        this.upId = up.id;
        this.seq = seq;
        this.down = down;
        this.upHave = up.have;
        this.upShown = up.shown;
        this.downHave = down.have;
        this.downKey = down.key;
        this.downMarket = down.kind.market();
        this.upMarket = up.market != null;
        this.connectedAt = now;
    }
}
