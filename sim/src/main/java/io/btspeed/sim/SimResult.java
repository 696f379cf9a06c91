package io.btspeed.sim;

import java.util.List;

/**
 * Everything a run produced.
 *
 * @param endSeconds  virtual time when the run stopped
 * @param supply      tokens minted at the start; the sum of balances at the end equals it
 * @param auctions    auction rounds that sold at least one slot
 * @param wallMillis  real time the run took (not part of the deterministic results: excluded from equals checks)
 * @param cpuMillis   CPU time of the simulation's own threads (not the JIT compiler's or the collector's, which weigh
 *                    on a short run): the figure to compare between builds; excluded like the wall time
 */
public record SimResult(Scenario scenario, List<PeerResult> peers, List<Sample> samples, double endSeconds,
        long supply, long balanceSum, long auctions, long totalBytesUp, long totalBytesDown, long totalUsefulBytes,
        long wallMillis, long cpuMillis) {

    /** The same result without the wall-clock and CPU figures, for determinism comparisons. */
    public SimResult withoutWallTime() {
        return new SimResult(scenario, peers, samples, endSeconds, supply, balanceSum, auctions, totalBytesUp,
                totalBytesDown, totalUsefulBytes, 0, 0);
    }
}
