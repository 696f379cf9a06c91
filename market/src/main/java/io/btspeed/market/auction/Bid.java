package io.btspeed.market.auction;

/**
 * One peer's bid for one upload slot.
 *
 * @param peer   the bidder's key (the choker's peer key)
 * @param price  base units per MiB the bidder offers; positive
 * @param order  arrival order of this bid (earlier = smaller); breaks ties between equal prices
 */
public record Bid(int peer, long price, long order) {
    public Bid {
        if (price <= 0) throw new IllegalArgumentException("a bid must be positive, got " + price);
    }
}
