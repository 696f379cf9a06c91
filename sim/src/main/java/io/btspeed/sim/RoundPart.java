package io.btspeed.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** What one slice of a round's deliveries leaves for {@code Swarm.settleRound}, in the slice's peer order. */
final class RoundPart {
    long bytes, useful;
    /** Per piece, how many of the slice's peers gained it this round. */
    final int[] gained;
    boolean anyGained;
    /** Pieces that arrived over paid links: the link, the piece and the buyer's bytes still missing after it. */
    Link[] paidLinks = new Link[64];
    int[] paidPieces = new int[64];
    long[] paidRemaining = new long[64];
    int paid;
    final List<SimPeer> completed = new ArrayList<>();

    RoundPart(int pieces) { gained = new int[pieces]; }

    void paidPiece(Link l, int piece, long remaining) {
        if (paid == paidLinks.length) {
            paidLinks = Arrays.copyOf(paidLinks, 2 * paid);
            paidPieces = Arrays.copyOf(paidPieces, 2 * paid);
            paidRemaining = Arrays.copyOf(paidRemaining, 2 * paid);
        }
        paidLinks[paid] = l;
        paidPieces[paid] = piece;
        paidRemaining[paid++] = remaining;
    }
}
