package io.btspeed.bench.ledger;

import io.btspeed.ledger.Ledger;
import io.btspeed.ledger.Ledgers;
import io.btspeed.ledger.TokenInfo;
import io.btspeed.ledger.client.HttpLedger;
import io.btspeed.ledger.crypto.KeyPair;
import io.btspeed.ledger.op.Transfer;
import io.btspeed.ledger.server.LedgerServer;
import io.btspeed.ledger.store.SqliteLedger;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Ledger server throughput over loopback: N concurrent clients, each with its own HTTP connection
 * and its own funded account, submit signed transfers as fast as the server acknowledges them.
 * Every acknowledged transfer is durable. Prints ops/s; not a test.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.btspeed.bench.ledger.LedgerServerBench [clients] [opsPerClient] [db]
 * </pre>
 * db: omitted = a fresh SQLite file in a temp folder; or an empty postgresql://… database.
 */
public final class LedgerServerBench {
    public static void main(String[] args) throws Exception {
        int clients = args.length > 0 ? Integer.parseInt(args[0]) : 16;
        int ops = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        String db = args.length > 2 ? args[2] : null;
        KeyPair genesis = KeyPair.fromPrivateKey(BigInteger.valueOf(7));
        TokenInfo token = TokenInfo.DEFAULT;
        Path tmp = Files.createTempDirectory("ledger-bench");
        Ledger store = db == null
                ? SqliteLedger.create(tmp.resolve("ledger.db"), token, genesis.address(), InstantSource.system())
                : Ledgers.create(db, token, genesis.address(), InstantSource.system());
        try (store; LedgerServer server = LedgerServer.startLoopback(store)) {
            List<KeyPair> keys = new ArrayList<>();
            try (HttpLedger setup = new HttpLedger(URI.create(server.url()))) {
                for (int i = 0; i < clients; i++) {
                    KeyPair k = KeyPair.fromPrivateKey(BigInteger.valueOf(1000 + i));
                    keys.add(k);
                    long nonce = setup.nextNonce(genesis.address());
                    setup.transfer(new Transfer(genesis.address(), k.address(), 1_000_000_000L, nonce, "fund").sign(genesis));
                }
            }
            // Sign everything first so the figure is the server's rate, not the clients' signing rate.
            List<List<Transfer.Signed>> work = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                List<Transfer.Signed> mine = new ArrayList<>();
                for (int n = 0; n < ops; n++) {
                    KeyPair to = keys.get((i + 1) % clients);
                    mine.add(new Transfer(keys.get(i).address(), to.address(), 1 + n % 100, n, "bench").sign(keys.get(i)));
                }
                work.add(mine);
            }
            long start = System.nanoTime();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> fs = new ArrayList<>();
                for (int i = 0; i < clients; i++) {
                    List<Transfer.Signed> mine = work.get(i);
                    fs.add(pool.submit(() -> {
                        try (HttpLedger client = new HttpLedger(URI.create(server.url()))) {
                            for (Transfer.Signed t : mine) {
                                client.transfer(t);
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : fs) {
                    f.get();
                }
            }
            double secs = (System.nanoTime() - start) / 1e9;
            long total = (long) clients * ops;
            boolean ok = store.audit().ok();
            System.out.printf("ledger server (%s): %d clients x %d transfers = %d in %.2f s -> %.0f ops/s; audit %s%n",
                    db == null ? "SQLite" : "PostgreSQL", clients, ops, total, secs, total / secs, ok ? "ok" : "FAILED");
        } finally {
            try (var files = Files.walk(tmp)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
