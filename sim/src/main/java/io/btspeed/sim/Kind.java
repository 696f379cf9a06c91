package io.btspeed.sim;

/** What a simulated peer runs: the market extension with spending on, on without spending, or plain BitTorrent. */
public enum Kind {
    /** Speaks the market and bids with its budget (autobid). */
    BIDDER,
    /** Speaks the market (sells paid slots, earns) but never spends. */
    NONBIDDER,
    /** No market extension: tit-for-tat only, neither bids nor sells. */
    PLAIN;

    public boolean market() { return this != PLAIN; }
}
