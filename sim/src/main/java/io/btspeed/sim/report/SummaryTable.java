package io.btspeed.sim.report;

import io.btspeed.sim.SimResult;
import java.util.Locale;

/** The per-group summary as a plain-text table (printed and written to summary.txt) and as CSV. */
public final class SummaryTable {
    private SummaryTable() {}

    public static String text(SimResult r) {
        StringBuilder b = new StringBuilder();
        var s = r.scenario();
        b.append(String.format(Locale.ROOT, "scenario %s (seed %d): %d peers, %d pieces x %d KiB, %d slots (%d paid, %s)%n",
                s.name(), s.seed(), s.peerCount(), s.pieces(), s.pieceSize() / 1024, s.uploadSlots(), s.market().paidSlots(), s.market().rule()));
        b.append(String.format(Locale.ROOT, "%-14s %-9s %6s %6s %9s %9s %9s %9s %9s %11s %11s %9s %11s%n", "group", "kind", "peers",
                "done", "mean s", "p10 s", "p50 s", "p90 s", "max s", "spent", "earned", "paid MiB", "surplus"));
        for (GroupStats g : GroupStats.of(r)) {
            b.append(String.format(Locale.ROOT, "%-14s %-9s %6d %6d %9.1f %9.1f %9.1f %9.1f %9.1f %11.1f %11.1f %9.1f %11.1f%n", g.group(),
                    g.kind(), g.peers(), g.completed(), g.mean(), g.p10(), g.p50(), g.p90(), g.max(), g.meanSpent(), g.meanEarned(),
                    g.meanPaidMiB(), g.meanSurplus()));
        }
        b.append(String.format(Locale.ROOT, "end %.0f s virtual; auctions with winners %d; bytes sent %d (useful %d); token supply %d, held %d; %d ms wall, %d ms CPU%n",
                r.endSeconds(), r.auctions(), r.totalBytesUp(), r.totalUsefulBytes(), r.supply(), r.balanceSum(), r.wallMillis(), r.cpuMillis()));
        return b.toString();
    }

    public static String csv(SimResult r) {
        StringBuilder b = new StringBuilder("group,kind,peers,completed,mean_s,p10_s,p50_s,p90_s,max_s,mean_spent,mean_earned,mean_paid_mib,mean_unpaid,mean_surplus\n");
        for (GroupStats g : GroupStats.of(r)) {
            b.append(String.join(",", g.group(), g.kind(), "" + g.peers(), "" + g.completed(), CsvReport.num(g.mean()),
                    CsvReport.num(g.p10()), CsvReport.num(g.p50()), CsvReport.num(g.p90()), CsvReport.num(g.max()),
                    CsvReport.num(g.meanSpent()), CsvReport.num(g.meanEarned()), CsvReport.num(g.meanPaidMiB()),
                    CsvReport.num(g.meanUnpaid()), CsvReport.num(g.meanSurplus()))).append('\n');
        }
        return b.toString();
    }
}
