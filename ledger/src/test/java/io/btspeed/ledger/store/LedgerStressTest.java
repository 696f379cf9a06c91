package io.btspeed.ledger.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.btspeed.ledger.AuditReport;
import io.btspeed.ledger.ChannelId;
import io.btspeed.ledger.LedgerException;
import io.btspeed.ledger.TokenInfo;
import io.btspeed.ledger.crypto.KeyPair;
import io.btspeed.ledger.op.ChannelClose;
import io.btspeed.ledger.op.ChannelOpen;
import io.btspeed.ledger.op.ChannelState;
import io.btspeed.ledger.op.Transfer;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Many operations, random and concurrent: the invariant and the audit hold throughout, nothing is lost. */
class LedgerStressTest {
    static final TokenInfo TOKEN = new TokenInfo("TST", 6, 1_000_000_000_000L);

    @TempDir
    Path tmp;

    static KeyPair key(int i) {
        return KeyPair.fromPrivateKey(BigInteger.valueOf(1000 + i));
    }

    @Test
    @Timeout(120)
    void randomOperationsFromASeedKeepTheInvariantAfterEveryStep() {
        TestClock clock = new TestClock();
        Random rnd = new Random(42);
        KeyPair[] keys = new KeyPair[6];
        for (int i = 0; i < keys.length; i++) keys[i] = key(i);
        try (SqliteLedger l = SqliteLedger.create(tmp.resolve("r.db"), TOKEN, keys[0].address(), clock)) {
            for (int i = 1; i < keys.length; i++) {
                l.transfer(new Transfer(keys[0].address(), keys[i].address(), 1_000_000, l.nextNonce(keys[0].address()), "").sign(keys[0]));
            }
            List<ChannelId> open = new ArrayList<>();
            int accepted = 0, rejected = 0;
            for (int step = 0; step < 300; step++) {
                KeyPair a = keys[rnd.nextInt(keys.length)], b = keys[rnd.nextInt(keys.length)];
                try {
                    switch (rnd.nextInt(4)) {
                        case 0 -> l.transfer(new Transfer(a.address(), b.address(), 1 + rnd.nextInt(2_000_000),
                                l.nextNonce(a.address()) + (rnd.nextInt(10) == 0 ? 1 : 0), "t" + step).sign(a));
                        case 1 -> {
                            ChannelOpen o = new ChannelOpen(a.address(), b.address(), 1 + rnd.nextInt(500_000),
                                    clock.millis() + 1_000 + rnd.nextInt(100_000), l.nextNonce(a.address()), "c" + step);
                            l.openChannel(o.sign(a));
                            open.add(o.channelId());
                        }
                        case 2 -> {
                            if (open.isEmpty()) continue;
                            ChannelId id = open.get(rnd.nextInt(open.size()));
                            var ch = l.channel(id).orElseThrow();
                            KeyPair payer = find(keys, ch.payer()), payee = find(keys, ch.payee());
                            long amount = rnd.nextInt(10) == 0 ? ch.escrow() + 1 : rnd.nextLong(ch.escrow() + 1);
                            l.closeChannel(new ChannelClose(id, new ChannelState(id.bytes(), 1 + rnd.nextInt(5), amount).sign(payer)).sign(payee));
                        }
                        default -> {
                            clock.advance(rnd.nextInt(20_000));
                            if (!open.isEmpty()) l.refundExpired(open.get(rnd.nextInt(open.size())));
                        }
                    }
                    accepted++;
                } catch (LedgerException | IllegalArgumentException e) {
                    rejected++;
                }
                AuditReport r = l.audit();
                assertThat(r.ok()).as("step %d: %s", step, r.problems()).isTrue();
                assertThat(r.sumBalances() + r.sumOpenEscrow()).isEqualTo(TOKEN.supply());
            }
            assertThat(accepted).isGreaterThan(100);
            assertThat(rejected).isGreaterThan(10);
        }
    }

    private static KeyPair find(KeyPair[] keys, io.btspeed.ledger.crypto.Address a) {
        for (KeyPair k : keys) if (k.address().equals(a)) return k;
        throw new IllegalStateException();
    }

    @Test
    @Timeout(120)
    void concurrentSubmittersLoseNoUpdate() throws Exception {
        int threads = 16, perThread = 40;
        KeyPair bank = key(100);
        try (SqliteLedger l = SqliteLedger.create(tmp.resolve("c.db"), TOKEN, bank.address(), new TestClock())) {
            KeyPair[] users = new KeyPair[threads];
            for (int i = 0; i < threads; i++) {
                users[i] = key(200 + i);
                l.transfer(new Transfer(bank.address(), users[i].address(), 1_000_000, i, "").sign(bank));
            }
            AtomicLong sent = new AtomicLong();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<?>> fs = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                int me = i;
                fs.add(pool.submit(() -> {
                    // each thread owns its sender's nonce sequence; receivers are shared, so balances race
                    for (int n = 0; n < perThread; n++) {
                        KeyPair to = users[(me + 1 + n % (threads - 1)) % threads];
                        long amount = 1 + n;
                        l.transfer(new Transfer(users[me].address(), to.address(), amount, n, "").sign(users[me]));
                        sent.addAndGet(amount);
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) f.get();
            pool.shutdown();
            long expectedOut = 0;
            for (int n = 0; n < perThread; n++) expectedOut += 1 + n;
            long total = 0;
            for (int i = 0; i < threads; i++) {
                assertThat(l.nextNonce(users[i].address())).isEqualTo(perThread);
                total += l.balance(users[i].address());
            }
            // money only moved among the users: their total is unchanged
            assertThat(total).isEqualTo(threads * 1_000_000L);
            assertThat(sent.get()).isEqualTo(threads * expectedOut);
            AuditReport r = l.audit();
            assertThat(r.ok()).as(r.problems().toString()).isTrue();
            assertThat(r.journalLength()).isEqualTo(1 + threads + (long) threads * perThread);
        }
    }

    @Test
    @Timeout(120)
    void twoLedgerInstancesSharingOneFileKeepOneChain() throws Exception {
        // as two btspeed processes on one machine would: separate connections, separate writer threads
        KeyPair bank = key(300), a = key(301), b = key(302);
        Path db = tmp.resolve("shared.db");
        try (SqliteLedger first = SqliteLedger.create(db, TOKEN, bank.address(), new TestClock())) {
            first.transfer(new Transfer(bank.address(), a.address(), 1_000_000, 0, "").sign(bank));
            first.transfer(new Transfer(bank.address(), b.address(), 1_000_000, 1, "").sign(bank));
            try (SqliteLedger second = SqliteLedger.open(db, new TestClock())) {
                int n = 100;
                Thread ta = Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < n; i++) first.transfer(new Transfer(a.address(), bank.address(), 1, i, "").sign(a));
                });
                Thread tb = Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < n; i++) second.transfer(new Transfer(b.address(), bank.address(), 2, i, "").sign(b));
                });
                ta.join();
                tb.join();
                AuditReport r = second.audit();
                assertThat(r.ok()).as(r.problems().toString()).isTrue();
                assertThat(r.journalLength()).isEqualTo(3 + 2L * n);
                assertThat(first.balance(a.address())).isEqualTo(1_000_000 - n);
                assertThat(first.balance(b.address())).isEqualTo(1_000_000 - 2L * n);
            }
        }
    }
}
