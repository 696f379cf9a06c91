package io.btspeed.engine.torrent;

import io.btspeed.core.choke.Choker;
import io.btspeed.core.choke.PeerStats;
import io.btspeed.core.choke.SlotPolicy;
import io.btspeed.core.choke.UnchokeDecision;
import io.btspeed.protocol.wire.Choke;
import io.btspeed.protocol.wire.RejectRequest;
import io.btspeed.protocol.wire.Unchoke;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who we upload to. Each round the torrent's {@link SlotPolicy} (tit-for-tat unless the market or a caller
 * plugged in another), run by core's {@link Choker}, sees every peer's rates and state and names who is
 * unchoked. Guarded by the torrent lock.
 */
final class Choking {
    private static final Logger log = LoggerFactory.getLogger(Choking.class);
    private final Choker choker;
    /** Key of the peer holding the optimistic slot, -1 if none (decided by the slot policy). */
    private int optimistic = -1;

    Choking(SlotPolicy policy, long intervalNanos) {
        this.choker = new Choker(policy, intervalNanos);
    }

    boolean roundDue(long now) {
        return choker.roundDue(now);
    }

    /** Some slot — a regular one or the optimistic one — is empty: a newly interested peer need not wait for the round. */
    boolean hasFreeSlot(List<Peer> peers, int uploadSlots) {
        int unchoked = 0;
        for (Peer q : peers) if (!q.amChoking) unchoked++;
        return unchoked < uploadSlots + 1;
    }

    void peerClosed(Peer p) {
        if (p.key == optimistic) optimistic = -1;
    }

    /** Unchoked peers besides the optimistic one: the regular slots in use. */
    int unchokedCount(List<Peer> peers) {
        int n = 0;
        for (Peer q : peers) if (!q.amChoking && q.key != optimistic) n++;
        return n;
    }

    /**
     * One round. The engine's {@code uploadSlots} are regular slots; the policy gets one more for the
     * optimistic unchoke. When we may not upload at all, everyone is choked.
     */
    void round(long now, List<Peer> peers, boolean mayUpload, boolean seeding, int pieceCount, int uploadSlots,
               Predicate<Peer> speaksMarket) {
        Set<Integer> unchoke = Set.of();
        Set<Integer> paid = Set.of();
        if (mayUpload) {
            List<PeerStats> stats = new ArrayList<>(peers.size());
            for (Peer q : peers) {
                stats.add(new PeerStats(q.key, q.peerInterested, q.amChoking, q.pipeline.rate(now), q.up.rate(),
                        q.isSeed(pieceCount), q.pipeline.isSnubbed(), q.connectedAtNanos, speaksMarket.test(q)));
            }
            UnchokeDecision d = choker.forceRound(now, stats, seeding, uploadSlots + 1);
            optimistic = d.optimistic();
            unchoke = d.unchoked();
            paid = d.paid();
        } else {
            optimistic = -1;
        }
        for (Peer q : peers) {
            if (unchoke.contains(q.key)) unchoke(q);
            else choke(q);
            // a buyer in a paid slot is served first when the upload limit binds
            q.conn.setUploadPriority(paid.contains(q.key));
        }
        if (log.isDebugEnabled()) {
            StringBuilder b = new StringBuilder();
            for (Peer q : peers) {
                b.append(' ').append(q.conn.remoteAddress().getPort()).append(q.peerInterested ? "i" : "-")
                        .append(unchoke.contains(q.key) ? (paid.contains(q.key) ? "P" : q.key == optimistic ? "O" : "U") : "c");
            }
            log.debug("choke round:{}", b);
        }
    }

    private static void unchoke(Peer p) {
        if (!p.amChoking) return;
        p.amChoking = false;
        p.conn.send(new Unchoke());
    }

    /** Choking drops the peer's queued requests; a Fast peer is told which (BEP 6), others just lose them. */
    private static void choke(Peer p) {
        if (p.amChoking) return;
        p.amChoking = true;
        p.conn.send(new Choke());
        for (var b : p.conn.unqueueAllBlocks()) {
            if (p.conn.remoteSupportsFast()) p.conn.send(new RejectRequest(b.piece(), b.begin(), b.length()));
        }
    }
}
