package io.btspeed.core.choke;

import java.util.List;

/**
 * Who gets upload slots this round. Tit-for-tat is one implementation; a market policy is another that reserves
 * part of {@link ChokeContext#slots()} for auction winners (reported in {@link UnchokeDecision#paid()}) and hands
 * the rest — never auctioned — to a free policy such as {@link TitForTatPolicy}, e.g. by calling it with a
 * context whose slot count is the free share and the peers the auction did not take.
 */
public interface SlotPolicy {
    UnchokeDecision decide(List<PeerStats> peers, ChokeContext ctx);

    /**
     * True when something happened that the next regular round should not wait for (a market policy:
     * a bid arrived for a paid slot nobody holds). The runtime checks it once a second and runs a
     * round early; {@link #decide} clears it.
     */
    default boolean roundWanted() {
        return false;
    }
}
