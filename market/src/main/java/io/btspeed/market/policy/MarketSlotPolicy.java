package io.btspeed.market.policy;

import io.btspeed.core.choke.ChokeContext;
import io.btspeed.core.choke.PeerStats;
import io.btspeed.core.choke.SlotPolicy;
import io.btspeed.core.choke.UnchokeDecision;
import io.btspeed.market.auction.Auction;
import io.btspeed.market.auction.AuctionResult;
import io.btspeed.market.auction.Bid;
import io.btspeed.market.auction.ClearingRule;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The market's choker: each round the uploader's paid slots are auctioned among interested peers
 * that bid; the rest of the slots — always at least one, including the optimistic unchoke — go to
 * a free policy (normally tit-for-tat) over everyone the auction did not take, and are never sold.
 * Paid slots nobody won are handed to the free policy too, so a market uploader never serves plain
 * peers worse than a classic one would.
 *
 * <p>Bids and exposure come in as events ({@link #bid}, {@link #withdraw}, {@link #setOverExposed});
 * {@link #lastAuction()} is what the runtime announces and bills. Pure: no clock, no I/O.
 */
public final class MarketSlotPolicy implements SlotPolicy {
    /** Bid messages one peer may send per round (spec §6). */
    public static final int MAX_BIDS_PER_ROUND = 4;

    private final int paidSlots;
    private final ClearingRule rule;
    private final long reservePrice;
    private final SlotPolicy free;
    /** Concurrent: bids arrive on connection threads, exposure checks read them from writer threads. */
    private final Map<Integer, Bid> bids = new java.util.concurrent.ConcurrentHashMap<>();
    /** Set from connection threads as blocks leave and payments arrive, read by the choke round. */
    private final Set<Integer> overExposed = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final Map<Integer, Integer> bidsThisRound = new HashMap<>();
    private long bidOrder;
    private volatile AuctionResult last;
    /** Paid slots the last round could sell; an unsold one makes a new bid worth an early round. */
    private int lastSellable = 1;
    private volatile boolean roundWanted;
    private long lastRound = -1;

    /**
     * @param paidSlots    slots sold per round (0 turns the market off); capped at total slots − 1
     * @param free         policy for the free slots, e.g. core's TitForTatPolicy
     */
    public MarketSlotPolicy(int paidSlots, ClearingRule rule, long reservePrice, SlotPolicy free) {
        if (paidSlots < 0 || reservePrice < 0) throw new IllegalArgumentException("negative paid slots or reserve price");
        this.paidSlots = paidSlots;
        this.rule = rule;
        this.reservePrice = reservePrice;
        this.free = free;
        this.last = AuctionResult.none(rule);
    }

    /** A peer's standing bid (base units per MiB); a new bid replaces the old one and loses its tie priority. */
    public void bid(int peer, long price) {
        if (price <= 0) {
            withdraw(peer);
            return;
        }
        Bid old = bids.get(peer);
        if (old != null && old.price() == price) return; // same price again keeps its place
        bids.put(peer, new Bid(peer, price, bidOrder++));
        if (slotUnsold()) roundWanted = true;
    }

    /** A paid slot went unsold last round (or no round ran yet): a buyer need not wait a whole interval. */
    private boolean slotUnsold() {
        AuctionResult r = last;
        return paidSlots > 0 && (r == null || r.winners().size() < lastSellable);
    }

    @Override
    public boolean roundWanted() {
        return roundWanted;
    }

    /**
     * A bid as it arrived from the wire: counted against {@link #MAX_BIDS_PER_ROUND} (spec §6), so a
     * peer cannot flood the auction; bids over the limit are ignored until the next round.
     *
     * @return false if the bid was ignored (answer with error 9)
     */
    public boolean offer(int peer, long price) {
        int n = bidsThisRound.merge(peer, 1, Integer::sum);
        if (n > MAX_BIDS_PER_ROUND) return false;
        bid(peer, price);
        return true;
    }

    public void withdraw(int peer) {
        bids.remove(peer);
    }

    /**
     * A winner whose unpaid debt passed the exposure limit takes no paid slot until it pays. A
     * current winner that falls over the limit asks for a round now: the seller stops serving it
     * the paid slot at once rather than at the next regular round.
     */
    public void setOverExposed(int peer, boolean over) {
        if (over) {
            if (overExposed.add(peer) && last != null && last.won(peer)) roundWanted = true;
        } else if (overExposed.remove(peer) && bids.containsKey(peer) && slotUnsold()) {
            roundWanted = true; // it paid up while the slot it was kept from stands empty
        }
    }

    /** Forget a peer that left. */
    public void remove(int peer) {
        bids.remove(peer);
        bidsThisRound.remove(peer);
        overExposed.remove(peer);
    }

    public AuctionResult lastAuction() {
        return last;
    }

    public long lastRound() {
        return lastRound;
    }

    public int paidSlots() {
        return paidSlots;
    }

    public ClearingRule rule() {
        return rule;
    }

    @Override
    public UnchokeDecision decide(List<PeerStats> peers, ChokeContext ctx) {
        int sellable = Math.max(0, Math.min(paidSlots, ctx.slots() - 1));
        roundWanted = false;
        lastSellable = sellable;
        List<Bid> eligible = new ArrayList<>();
        // the round's keys sorted, to forget departed peers by binary search (a simulator runs millions of rounds:
        // a boxed hash set of the present peers per round was a good part of their garbage)
        int[] present = new int[peers.size()];
        for (int i = 0; i < present.length; i++) {
            PeerStats p = peers.get(i);
            present[i] = p.key();
            if (!p.interested() || !p.supportsMarket()) continue;
            Bid b = bids.get(p.key());
            if (b != null && !overExposed.contains(p.key())) eligible.add(b);
        }
        java.util.Arrays.sort(present);
        bids.keySet().removeIf(k -> java.util.Arrays.binarySearch(present, k) < 0);
        bidsThisRound.clear();
        overExposed.removeIf(k -> java.util.Arrays.binarySearch(present, k) < 0);
        AuctionResult won = Auction.clear(eligible, sellable, rule, reservePrice);
        last = won;
        lastRound = ctx.round();

        // at most paidSlots winners: a list is the cheapest set
        List<Integer> winners = won.winners();
        List<PeerStats> rest = new ArrayList<>(peers.size());
        for (PeerStats p : peers) if (!winners.contains(p.key())) rest.add(p);
        int freeSlots = ctx.slots() - winners.size();
        Set<Integer> unchoked = new HashSet<>(winners);
        int optimistic = -1;
        if (freeSlots > 0) {
            UnchokeDecision f = free.decide(rest, new ChokeContext(ctx.nowNanos(), ctx.seeding(), freeSlots, ctx.round()));
            unchoked.addAll(f.unchoked());
            optimistic = f.optimistic();
        }
        return new UnchokeDecision(unchoked, optimistic, Set.copyOf(winners));
    }
}
