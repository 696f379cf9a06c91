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
}
