package io.btspeed.sim;

import java.util.List;

/**
 * Everything a run produced.
 *
 * @param endSeconds  virtual time when the run stopped
 * @param supply      tokens minted at the start; the sum of balances at the end equals it
 * @param auctions    auction rounds that sold at least one slot
 * @param wallMillis  real time the run took (not part of the deterministic results: excluded from equals checks)
 */
public record SimResult(Scenario scenario, List<PeerResult> peers, List<Sample> samples, double endSeconds,
        long supply, long balanceSum, long auctions, long totalBytesUp, long totalBytesDown, long totalUsefulBytes,
        long wallMillis) {

    /** The same result without the wall-clock figure, for determinism comparisons. */
    public SimResult withoutWallTime() {
        return new SimResult(scenario, peers, samples, endSeconds, supply, balanceSum, auctions, totalBytesUp,
                totalBytesDown, totalUsefulBytes, 0);
    }
}
