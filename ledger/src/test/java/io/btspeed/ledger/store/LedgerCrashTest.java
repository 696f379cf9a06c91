package io.btspeed.ledger.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.btspeed.ledger.AuditReport;
import io.btspeed.ledger.TokenInfo;
import io.btspeed.ledger.op.Transfer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a process that is writing to the ledger with SIGKILL at random moments, 20 times. After each
 * kill the ledger must open, pass its audit, and contain every operation whose receipt the process
 * had printed before it died: a receipt means durable.
 */
class LedgerCrashTest {
    static final int KILLS = 20;

    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void everyAcknowledgedOperationSurvivesSigkillAndTheAuditPasses() throws Exception {
        Path db = tmp.resolve("crash.db");
        try (SqliteLedger l = SqliteLedger.create(db, new TokenInfo("TST", 6, 1_000_000_000_000L), CrashWorker.bank().address(),
                InstantSource.system())) {
            for (int i = 0; i < CrashWorker.SENDERS; i++) {
                l.transfer(new Transfer(CrashWorker.bank().address(), CrashWorker.sender(i).address(), 10_000_000_000L, i, "")
                        .sign(CrashWorker.bank()));
            }
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Random rnd = new Random(7);
        Set<String> acked = new LinkedHashSet<>();
        int totalAcked = 0;
        for (int round = 0; round < KILLS; round++) {
            Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), CrashWorker.class.getName(),
                    db.toString(), Long.toString(round)).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            List<String> lines = new ArrayList<>();
            Thread reader = Thread.ofVirtual().start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        synchronized (lines) {
                            lines.add(line);
                        }
                    }
                } catch (java.io.IOException ignored) {
                    // the process was killed mid-line; what was read before counts
                }
            });
            // let it get going, then kill it at a random moment while writes are in flight
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                synchronized (lines) {
                    if (lines.stream().anyMatch(s -> s.startsWith("ACK"))) break;
                }
                Thread.sleep(10);
            }
            Thread.sleep(rnd.nextInt(400));
            p.destroyForcibly(); // SIGKILL
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            reader.join(10_000);
            synchronized (lines) {
                for (String s : lines) {
                    if (s.startsWith("ACK ")) {
                        acked.add(s.substring(4));
                        totalAcked++;
                    }
                }
                assertThat(lines).as("round %d produced receipts", round).anyMatch(s -> s.startsWith("ACK"));
            }
            try (SqliteLedger l = SqliteLedger.open(db, InstantSource.system())) {
                AuditReport r = l.audit();
                assertThat(r.ok()).as("audit after kill %d: %s", round, r.problems()).isTrue();
            }
            assertThat(missing(db, acked)).as("acknowledged operations missing after kill %d", round).isEmpty();
        }
        assertThat(totalAcked).isGreaterThan(KILLS);
    }

    private static List<String> missing(Path db, Set<String> acked) throws Exception {
        List<String> missing = new ArrayList<>();
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + db);
             var st = c.prepareStatement("SELECT 1 FROM journal WHERE op_id = ?")) {
            for (String id : acked) {
                st.setBytes(1, HexFormat.of().parseHex(id));
                try (var rs = st.executeQuery()) {
                    if (!rs.next()) missing.add(id);
                }
            }
        }
        return missing;
    }
}
