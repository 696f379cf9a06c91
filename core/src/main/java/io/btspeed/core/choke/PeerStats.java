package io.btspeed.core.choke;

/**
 * What a slot policy may know about one peer at a choke round. Rates are bytes/s over the recent window.
 *
 * @param key              opaque peer id (stable for the connection)
 * @param interested       the peer wants data from us — only interested peers take slots
 * @param chokedByUs       current state, so policies can prefer stability
 * @param downloadRate     bytes/s we receive from the peer (tit-for-tat while leeching)
 * @param uploadRate       bytes/s we send to the peer (fastest-upload rotation while seeding)
 * @param seed             peer has everything (nothing to reciprocate with)
 * @param snubbed          peer sent us nothing for a long time despite unchoking us
 * @param connectedSinceNanos when the connection opened (new peers are favoured for the optimistic slot)
 * @param supportsMarket   peer speaks the bandwidth-market extension (a market policy uses it; tit-for-tat ignores it)
 */
public record PeerStats(int key, boolean interested, boolean chokedByUs, double downloadRate, double uploadRate,
        boolean seed, boolean snubbed, long connectedSinceNanos, boolean supportsMarket) {}
