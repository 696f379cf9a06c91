package io.btspeed.engine.torrent;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * One choke round as a pure function: the interested peers with the best rate (what they give us
 * while we download, what they take while we seed) get the regular slots; one more interested peer,
 * drawn at random and kept until the next rotation, gets the optimistic slot so newcomers can show
 * what they are worth.
 */
final class TitForTat {
    private TitForTat() {
    }

    record Candidate<P>(P peer, boolean interested, long rate) {}

    /** @param optimistic the optimistic peer after this round (null if nobody is left to pick) */
    record Decision<P>(Set<P> unchoke, P optimistic) {}

    static <P> Decision<P> decide(List<Candidate<P>> candidates, int slots, P currentOptimistic, boolean rotate, Random random) {
        List<Candidate<P>> interested = new ArrayList<>();
        for (Candidate<P> c : candidates) if (c.interested()) interested.add(c);
        interested.sort(Comparator.comparingLong((Candidate<P> c) -> c.rate()).reversed());
        Set<P> unchoke = new LinkedHashSet<>();
        for (Candidate<P> c : interested) {
            if (unchoke.size() >= slots) break;
            unchoke.add(c.peer());
        }
        boolean stillThere = false;
        for (Candidate<P> c : interested) if (c.peer() == currentOptimistic) stillThere = true;
        P optimistic = currentOptimistic;
        if (rotate || !stillThere || unchoke.contains(currentOptimistic)) {
            List<P> rest = new ArrayList<>();
            for (Candidate<P> c : interested) if (!unchoke.contains(c.peer())) rest.add(c.peer());
            optimistic = rest.isEmpty() ? null : rest.get(random.nextInt(rest.size()));
        }
        if (optimistic != null) unchoke.add(optimistic);
        return new Decision<>(unchoke, optimistic);
    }
}
