package io.btspeed.sim.report;

import io.btspeed.sim.PeerResult;
import io.btspeed.sim.SimResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Figures of one group of peers in one run. Download times only over peers that arrived without the file and
 * completed it.
 */
public record GroupStats(String group, String kind, int peers, int completed, double mean, double p10, double p50,
        double p90, double max, double meanSpent, double meanEarned, double meanPaidMiB, double meanUnpaid) {

    /** Groups in scenario order. */
    public static List<GroupStats> of(SimResult r) {
        Map<String, List<PeerResult>> by = new LinkedHashMap<>();
        for (PeerResult p : r.peers()) by.computeIfAbsent(p.group(), k -> new ArrayList<>()).add(p);
        List<GroupStats> out = new ArrayList<>();
        for (var e : by.entrySet()) out.add(of(e.getKey(), e.getValue()));
        return out;
    }

    static GroupStats of(String group, List<PeerResult> ps) {
        double[] times = ps.stream().filter(p -> !p.startedComplete() && !Double.isNaN(p.downloadSeconds()))
                .mapToDouble(PeerResult::downloadSeconds).sorted().toArray();
        double spent = ps.stream().mapToLong(PeerResult::spent).average().orElse(0);
        double earned = ps.stream().mapToLong(PeerResult::earned).average().orElse(0);
        double paid = ps.stream().mapToLong(PeerResult::paidBytes).average().orElse(0) / (1 << 20);
        double unpaid = ps.stream().mapToLong(PeerResult::unpaid).average().orElse(0);
        return new GroupStats(group, ps.get(0).kind().name().toLowerCase(), ps.size(), times.length,
                Arrays.stream(times).average().orElse(Double.NaN), pct(times, 0.10), pct(times, 0.5), pct(times, 0.9),
                times.length == 0 ? Double.NaN : times[times.length - 1], spent, earned, paid, unpaid);
    }

    /** Nearest-rank percentile of sorted values. */
    static double pct(double[] sorted, double q) {
        if (sorted.length == 0) return Double.NaN;
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }
}
