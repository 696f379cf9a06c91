package io.btspeed.market.auction;

import java.util.List;

/**
 * Outcome of one round: the winners in rank order and the uniform price each pays, in base units
 * per MiB of verified data. No winners means a price of 0.
 */
public record AuctionResult(List<Integer> winners, long clearingPrice, ClearingRule rule) {
    public static AuctionResult none(ClearingRule rule) {
        return new AuctionResult(List.of(), 0, rule);
    }

    public AuctionResult {
        winners = List.copyOf(winners);
        if (clearingPrice < 0) throw new IllegalArgumentException("negative price");
    }

    public boolean won(int peer) {
        return winners.contains(peer);
    }
}
