package io.btspeed.market.auction;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Uniform-price auction of an uploader's paid slots, one slot per bidder. Pure and deterministic.
 *
 * <p>Ranking: higher price first; equal prices by earlier bid ({@link Bid#order()}), then by lower
 * peer key — so a bidder cannot win a tie by re-sending the same price. Bids below the reserve
 * price take no part.
 *
 * <p>Price: {@link ClearingRule#LOWEST_WINNING} — the lowest winning bid (with fewer bidders than
 * slots, the lowest bid present). {@link ClearingRule#HIGHEST_LOSING} — the best bid that did not
 * win; with no losing bid (fewer bidders than slots) the reserve price, so winners pay nothing
 * above the reserve when slots are not scarce. A winner never pays more than it bid.
 */
public final class Auction {
    private static final Comparator<Bid> RANK = Comparator.comparingLong(Bid::price).reversed()
            .thenComparingLong(Bid::order).thenComparingInt(Bid::peer);

    private Auction() {}

    public static AuctionResult clear(List<Bid> bids, int paidSlots, ClearingRule rule, long reservePrice) {
        if (paidSlots < 0) throw new IllegalArgumentException("negative slot count");
        if (reservePrice < 0) throw new IllegalArgumentException("negative reserve price");
        List<Bid> eligible = new ArrayList<>();
        for (Bid b : bids) if (b.price() >= reservePrice) eligible.add(b);
        eligible.sort(RANK);
        int n = Math.min(paidSlots, eligible.size());
        if (n == 0) return AuctionResult.none(rule);
        List<Integer> winners = new ArrayList<>(n);
        for (int i = 0; i < n; i++) winners.add(eligible.get(i).peer());
        long price = switch (rule) {
            case LOWEST_WINNING -> eligible.get(n - 1).price();
            case HIGHEST_LOSING -> eligible.size() > n ? eligible.get(n).price() : reservePrice;
        };
        return new AuctionResult(winners, price, rule);
    }
}
