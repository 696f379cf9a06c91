package io.btspeed.app.market;

import io.btspeed.engine.ext.PeerHandle;
import io.btspeed.market.auction.AuctionResult;
import io.btspeed.market.policy.MarketSlotPolicy;
import io.btspeed.market.wire.SpeedCodec;
import io.btspeed.market.wire.SpeedMessage;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The selling half of the extension: billing each block a winner is sent, holding a paid block that
 * would pass the buyer's exposure limit until a payment makes room (refusing it after
 * {@link #EXPOSURE_WAIT_NANOS}), telling the auction who is over-exposed, and sending each round's
 * results. The rules are {@link io.btspeed.market.flow.PayeeFlow}'s; this class does the waiting.
 */
final class SellerSide {
    private static final Logger log = LoggerFactory.getLogger(MarketExtension.class);
    /**
     * How long a block that would take a winner past its exposure limit waits for the winner's
     * payment before it is refused (and the winner loses the paid slot until it pays).
     */
    static final long EXPOSURE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);

    /** Null: we do not sell. */
    private final MarketSlotPolicy policy;
    private final Map<Integer, MarketPeer> peers;
    private final int pieceLength;
    private volatile long lastResultRound = -1;

    SellerSide(MarketSlotPolicy policy, Map<Integer, MarketPeer> peers, int pieceLength) {
        this.policy = policy;
        this.peers = peers;
        this.pieceLength = pieceLength;
    }

    /**
     * Billed when the block leaves, not when queued (a queued block is dropped if we choke the buyer),
     * at the price of the last result the buyer was sent before it, from its first block as a
     * winner: a buyer that wins and never opens a channel still owes, and is stopped at the limit.
     */
    public void onBlockSent(PeerHandle peer, int piece, int length) {
        MarketPeer ps = peers.get(peer.key());
        if (ps == null || ps.payee == null) return;
        synchronized (ps) {
            if (ps.payee.billedPrice() == 0) return;
            ps.payee.onBlockSent(piece, pieceLength, length);
            updateExposure(ps);
        }
    }

    /** The seller never sends a paid block that would take the buyer's unpaid debt past the exposure limit. */
    public boolean mayUpload(PeerHandle peer, int length) {
        MarketPeer ps = peers.get(peer.key());
        if (ps == null || ps.payee == null) return true;
        synchronized (ps) {
            return ps.payee.mayServe(length);
        }
    }

    /**
     * An honest buyer pays as soon as the piece verifies, so the block waits for that payment; one
     * that does not pay in time has the block refused and loses the paid slot until it pays.
     */
    public boolean awaitUpload(PeerHandle peer, int length) {
        MarketPeer ps = peers.get(peer.key());
        if (ps == null || ps.payee == null) return true;
        long start = System.nanoTime(), deadline = start + EXPOSURE_WAIT_NANOS;
        synchronized (ps) {
            // already waited in vain: refuse the rest at once (the choke that follows drops what is queued)
            if (ps.payee.stalled() && !ps.payee.mayServe(length)) return false;
            ps.heldBlocks++;
            while (!ps.payee.mayServe(length)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    if (!ps.payee.stalled()) log.debug("{}: no payment for {} ms: paid block refused (debt {}, limit {})", ps.handle.address(),
                            TimeUnit.NANOSECONDS.toMillis(EXPOSURE_WAIT_NANOS), ps.payee.debt(), ps.payee.exposureLimit());
                    ps.payee.stall();
                    break;
                }
                try {
                    ps.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 250)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        updateExposure(ps);
        synchronized (ps) {
            ps.heldNanos += System.nanoTime() - start;
            return !ps.payee.stalled();
        }
    }

    /**
     * Tells the auction whether this buyer is kept out of the paid slots (spec §5.3), when that changed:
     * this runs after every block sent, and the policy's answer only moves with the verdict. The policy
     * is told under the peer's monitor so two threads cannot leave it holding the older verdict (the
     * policy takes no lock of its own).
     */
    void updateExposure(MarketPeer ps) {
        if (policy == null || ps.payee == null) return;
        synchronized (ps) {
            boolean over = ps.payee.overExposed();
            if (over == ps.overExposed) return;
            ps.overExposed = over;
            log.debug("{}: {} (debt {}, limit {})", ps.handle.address(), over ? "over-exposed" : "exposure back within limit",
                    ps.payee.debt(), ps.payee.exposureLimit());
            policy.setOverExposed(ps.handle.key(), over);
        }
    }

    void sendResults() {
        if (policy == null || policy.lastRound() == lastResultRound) return;
        lastResultRound = policy.lastRound();
        AuctionResult r = policy.lastAuction();
        log.debug("auction round {}: winners {} at {} per MiB", lastResultRound, r.winners(), r.clearingPrice());
        for (MarketPeer ps : peers.values()) {
            boolean won = r.won(ps.handle.key());
            ps.handle.sendExtended(SpeedCodec.EXTENSION_NAME, SpeedCodec.encode(new SpeedMessage.Result(lastResultRound, won,
                    r.clearingPrice(), r.rule().wireName(), r.winners().size())));
            long price = won ? r.clearingPrice() : 0;
            // billing follows the result from the moment it is on the buyer's socket (spec §4)
            ps.handle.afterQueued(() -> {
                synchronized (ps) {
                    ps.payee.onResultDelivered(price);
                    ps.notifyAll();
                }
                updateExposure(ps);
            });
        }
    }
}
