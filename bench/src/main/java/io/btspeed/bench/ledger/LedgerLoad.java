package io.btspeed.bench.ledger;

import io.btspeed.ledger.AuditReport;
import io.btspeed.ledger.TokenInfo;
import io.btspeed.ledger.crypto.KeyPair;
import io.btspeed.ledger.op.Transfer;
import io.btspeed.ledger.store.SqliteLedger;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Durable transfers per second on the embedded SQLite ledger with N concurrent submitters (group
 * commit: each submitter waits for its own receipt). Transfers are signed before the clock starts,
 * so this measures the ledger (verification, rules, durable commit), not the clients' signing.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.btspeed.bench.ledger.LedgerLoad --threads 32 --per-thread 500</pre>
 */
public final class LedgerLoad {
    public static void main(String[] args) throws Exception {
        int threads = 32, perThread = 500;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--per-thread" -> perThread = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path dir = Files.createTempDirectory("ledger-load");
        Path db = dir.resolve("load.db");
        KeyPair bank = KeyPair.fromPrivateKey(BigInteger.valueOf(77));
        try (SqliteLedger l = SqliteLedger.create(db, TokenInfo.DEFAULT, bank.address(), InstantSource.system())) {
            KeyPair[] users = new KeyPair[threads];
            for (int t = 0; t < threads; t++) {
                users[t] = KeyPair.fromPrivateKey(BigInteger.valueOf(1000 + t));
                l.transfer(new Transfer(bank.address(), users[t].address(), 1_000_000_000L, t, "").sign(bank));
            }
            List<List<Transfer.Signed>> work = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                List<Transfer.Signed> mine = new ArrayList<>(perThread);
                for (int n = 0; n < perThread; n++) {
                    mine.add(new Transfer(users[t].address(), users[(t + 1) % threads].address(), 1 + n, n, "").sign(users[t]));
                }
                work.add(mine);
            }
            AtomicLong done = new AtomicLong();
            long start = System.nanoTime();
            List<Thread> ts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                List<Transfer.Signed> mine = work.get(t);
                ts.add(Thread.ofPlatform().start(() -> {
                    for (Transfer.Signed s : mine) {
                        l.transfer(s);
                        done.incrementAndGet();
                    }
                }));
            }
            for (Thread t : ts) t.join();
            double secs = (System.nanoTime() - start) / 1e9;
            AuditReport r = l.audit();
            System.out.printf("threads=%d transfers=%d time=%.2fs rate=%.0f durable transfers/s audit=%s%n",
                    threads, done.get(), secs, done.get() / secs, r.ok() ? "ok" : r.problems());
        } finally {
            try (var s = Files.walk(dir)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
