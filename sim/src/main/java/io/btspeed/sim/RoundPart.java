package io.btspeed.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What one slice of a round's deliveries leaves for {@code Swarm.settleDelivered} (as soon as the slice is delivered)
 * and {@code Swarm.settleCompletions} (once every slice is), in the slice's peer order.
 */
final class RoundPart {
    long bytes, useful;
    /** Per piece, how many of the slice's peers gained it this round. */
    final int[] gained;
    boolean anyGained;
    /**
     * Pieces that arrived over paid links: the link, the piece and the buyer's bytes still missing after it; and when
     * it was paid in the slice ({@code SimPayments.payInSlice}), the seller's earnings from it and the seller's new
     * exposure verdict (-1: unchanged), else -1 earned (paid when the round settles).
     */
    Link[] paidLinks = new Link[64];
    int[] paidPieces = new int[64];
    long[] paidRemaining = new long[64];
    long[] paidEarned = new long[64];
    byte[] paidOver = new byte[64];
    int paid;
    /** The slice's queues for paying in it. */
    final SimPayments.Queues payQueues = new SimPayments.Queues();
    final List<SimPeer> completed = new ArrayList<>();
    RoundPart(int pieces) { gained = new int[pieces]; }

    /** Records a paid piece, not yet paid; returns its entry. */
    int paidPiece(Link l, int piece, long remaining) {
        if (paid == paidLinks.length) {
            paidLinks = Arrays.copyOf(paidLinks, 2 * paid);
            paidPieces = Arrays.copyOf(paidPieces, 2 * paid);
            paidRemaining = Arrays.copyOf(paidRemaining, 2 * paid);
            paidEarned = Arrays.copyOf(paidEarned, 2 * paid);
            paidOver = Arrays.copyOf(paidOver, 2 * paid);
        }
        paidLinks[paid] = l;
        paidPieces[paid] = piece;
        paidRemaining[paid] = remaining;
        paidEarned[paid] = -1;
        paidOver[paid] = -1;
        return paid++;
    }
}
