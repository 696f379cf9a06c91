package io.btspeed.sim.report;

import io.btspeed.sim.PeerResult;
import io.btspeed.sim.Sample;
import io.btspeed.sim.SimResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Per-peer and time-series CSV files of one run. Empty cells where a time never happened. */
public final class CsvReport {
    private CsvReport() {}

    public static void writePeers(SimResult r, Path file) {
        try (Writer w = Files.newBufferedWriter(file)) {
            w.write("id,group,kind,started_complete,arrived_s,completed_s,departed_s,download_s,bytes_down,bytes_up,"
                    + "useful_bytes,paid_bytes,budget,spent,earned,unpaid,balance,shading\n");
            for (PeerResult p : r.peers()) {
                w.write(p.id() + "," + p.group() + "," + p.kind().name().toLowerCase(Locale.ROOT) + "," + p.startedComplete() + ","
                        + num(p.arrived()) + "," + num(p.completed()) + "," + num(p.departed()) + "," + num(p.downloadSeconds()) + ","
                        + p.bytesDown() + "," + p.bytesUp() + "," + p.usefulBytes() + "," + p.paidBytes() + "," + p.budget() + ","
                        + p.spent() + "," + p.earned() + "," + p.unpaid() + "," + p.balance() + "," + p.shading() + "\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void writeSamples(SimResult r, Path file) {
        try (Writer w = Files.newBufferedWriter(file)) {
            w.write("t_s,leechers,seeds,completed_total,available_pieces,full_copy,tokens_earned_total\n");
            for (Sample s : r.samples()) {
                w.write(num(s.t()) + "," + s.leechers() + "," + s.seeds() + "," + s.completedTotal() + "," + s.availablePieces()
                        + "," + s.fullCopy() + "," + s.tokensEarnedTotal() + "\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String num(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.3f", v);
    }
}
