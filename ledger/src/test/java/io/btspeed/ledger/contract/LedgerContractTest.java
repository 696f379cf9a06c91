package io.btspeed.ledger.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.btspeed.ledger.AuditReport;
import io.btspeed.ledger.ChannelId;
import io.btspeed.ledger.ChannelInfo;
import io.btspeed.ledger.HistoryEntry;
import io.btspeed.ledger.Ledger;
import io.btspeed.ledger.LedgerException;
import io.btspeed.ledger.LedgerException.Code;
import io.btspeed.ledger.Receipt;
import io.btspeed.ledger.TokenInfo;
import io.btspeed.ledger.crypto.Address;
import io.btspeed.ledger.crypto.KeyPair;
import io.btspeed.ledger.op.ChannelClose;
import io.btspeed.ledger.op.ChannelOpen;
import io.btspeed.ledger.op.ChannelState;
import io.btspeed.ledger.op.Transfer;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The behaviour every {@link Ledger} must show, whichever store or transport is behind it: the
 * embedded store, PostgreSQL, and the HTTP client talking to a server over either. Subclasses only
 * say how to make a fresh ledger whose genesis account holds the whole supply.
 */
@Timeout(120)
public abstract class LedgerContractTest {
    protected static final TokenInfo TOKEN = new TokenInfo("TST", 6, 1_000_000_000L);
    protected static final long START = 1_800_000_000_000L;
    protected static final KeyPair GENESIS = key(1);
    protected static final KeyPair ALICE = key(2);
    protected static final KeyPair BOB = key(3);

    protected TestClock clock;
    protected Ledger ledger;

    /** A new, empty ledger with {@link #TOKEN}'s supply on {@code genesis}, reading time from {@code clock}. */
    protected abstract Ledger newLedger(TokenInfo token, Address genesis, TestClock clock) throws Exception;

    /** Releases what {@link #newLedger} started (servers, databases) after the ledger is closed. */
    protected void cleanUp() throws Exception {
    }

    protected static KeyPair key(int n) {
        return KeyPair.fromPrivateKey(BigInteger.valueOf(1_000_003L * n + 17));
    }

    @BeforeEach
    void open() throws Exception {
        clock = new TestClock(START);
        ledger = newLedger(TOKEN, GENESIS.address(), clock);
    }

    @AfterEach
    void shut() throws Exception {
        try {
            if (ledger != null) {
                ledger.close();
            }
        } finally {
            cleanUp();
        }
    }

    protected Receipt send(KeyPair from, Address to, long amount, String memo) {
        long nonce = ledger.nextNonce(from.address());
        return ledger.transfer(new Transfer(from.address(), to, amount, nonce, memo).sign(from));
    }

    protected ChannelOpen.Signed openSigned(KeyPair payer, Address payee, long escrow, Duration life) {
        return new ChannelOpen(payer.address(), payee, escrow, clock.millis() + life.toMillis(),
                ledger.nextNonce(payer.address()), "torrent-x").sign(payer);
    }

    protected void assertInvariant() {
        AuditReport r = ledger.audit();
        assertThat(r.problems()).isEmpty();
        assertThat(r.ok()).isTrue();
        assertThat(r.sumBalances() + r.sumOpenEscrow()).isEqualTo(TOKEN.supply());
    }

    /** A rejected call throws the code and changes no balance, nonce or journal length. */
    protected void rejected(Code code, ThrowingCallable call, KeyPair... watched) {
        Map<Address, long[]> before = new HashMap<>();
        for (KeyPair k : watched) {
            before.put(k.address(), new long[] {ledger.balance(k.address()), ledger.nextNonce(k.address())});
        }
        long journal = ledger.audit().journalLength();
        assertThatThrownBy(call).isInstanceOfSatisfying(LedgerException.class,
                e -> assertThat(e.code()).as(e.getMessage()).isEqualTo(code));
        for (KeyPair k : watched) {
            assertThat(new long[] {ledger.balance(k.address()), ledger.nextNonce(k.address())})
                    .as("state of " + k.address()).containsExactly(before.get(k.address()));
        }
        assertThat(ledger.audit().journalLength()).isEqualTo(journal);
        assertInvariant();
    }

    @Test
    void fullFlow() {
        assertThat(ledger.token()).isEqualTo(TOKEN);
        assertThat(ledger.id()).startsWith(TOKEN.symbol() + ":").isEqualTo(ledger.id());
        assertThat(ledger.balance(GENESIS.address())).isEqualTo(TOKEN.supply());
        assertThat(ledger.balance(ALICE.address())).isZero();
        assertThat(ledger.nextNonce(ALICE.address())).isZero();

        Receipt r1 = send(GENESIS, ALICE.address(), 10_000, "fund");
        assertThat(ledger.balance(ALICE.address())).isEqualTo(10_000);
        assertThat(ledger.nextNonce(GENESIS.address())).isEqualTo(1);

        // resubmitting the same signed transfer is idempotent: same receipt, no second movement
        Transfer.Signed t = new Transfer(ALICE.address(), BOB.address(), 1_000, 0, "ih:abc").sign(ALICE);
        Receipt a = ledger.transfer(t);
        Receipt again = ledger.transfer(t);
        assertThat(again.opId()).isEqualTo(a.opId());
        assertThat(again.journalSeq()).isEqualTo(a.journalSeq());
        assertThat(ledger.balance(ALICE.address())).isEqualTo(9_000);
        assertThat(ledger.balance(BOB.address())).isEqualTo(1_000);

        // channel: open, pay off-chain, payee closes with the best state
        ChannelOpen.Signed open = openSigned(ALICE, BOB.address(), 5_000, Duration.ofHours(24));
        ChannelId id = open.open().channelId();
        ledger.openChannel(open);
        assertThat(ledger.balance(ALICE.address())).isEqualTo(4_000);
        ChannelInfo info = ledger.channel(id).orElseThrow();
        assertThat(info.status()).isEqualTo(ChannelInfo.Status.OPEN);
        assertThat(info.escrow()).isEqualTo(5_000);
        assertThat(info.payerKey().raw()).isEqualTo(ALICE.publicKey());
        assertThat(ledger.openChannels(BOB.address())).extracting(ChannelInfo::id).containsExactly(id);
        assertThat(ledger.openChannels(ALICE.address())).extracting(ChannelInfo::id).containsExactly(id);
        assertInvariant();

        ChannelState.Signed s1 = new ChannelState(id.bytes(), 1, 1_000).sign(ALICE);
        ChannelState.Signed s2 = new ChannelState(id.bytes(), 2, 3_000).sign(ALICE);
        assertThat(s1.verify(info.payerKey())).isTrue();
        ledger.closeChannel(new ChannelClose(id, s2).sign(BOB));
        assertThat(ledger.balance(BOB.address())).isEqualTo(4_000);
        assertThat(ledger.balance(ALICE.address())).isEqualTo(6_000);
        ChannelInfo closed = ledger.channel(id).orElseThrow();
        assertThat(closed.status()).isEqualTo(ChannelInfo.Status.CLOSED);
        assertThat(closed.paidToPayee()).isEqualTo(3_000);
        assertThat(closed.closingSequence()).isEqualTo(2);
        assertThat(ledger.openChannels(BOB.address())).isEmpty();

        // second channel expires and is refunded to the payer
        ChannelOpen.Signed open2 = openSigned(ALICE, BOB.address(), 2_500, Duration.ofMinutes(10));
        ChannelId id2 = open2.open().channelId();
        ledger.openChannel(open2);
        assertThat(ledger.balance(ALICE.address())).isEqualTo(3_500);
        clock.advance(Duration.ofMinutes(11));
        ledger.refundExpired(id2);
        assertThat(ledger.balance(ALICE.address())).isEqualTo(6_000);
        assertThat(ledger.channel(id2).orElseThrow().status()).isEqualTo(ChannelInfo.Status.REFUNDED);

        List<HistoryEntry> hist = ledger.history(ALICE.address(), 100);
        assertThat(hist).extracting(HistoryEntry::journalSeq).isSortedAccordingTo((x, y) -> Long.compare(y, x));
        assertThat(hist).extracting(HistoryEntry::kind).contains(HistoryEntry.Kind.TRANSFER_IN,
                HistoryEntry.Kind.TRANSFER_OUT, HistoryEntry.Kind.CHANNEL_LOCK, HistoryEntry.Kind.CHANNEL_RETURN);
        assertThat(hist.stream().mapToLong(HistoryEntry::delta).sum()).isEqualTo(ledger.balance(ALICE.address()));
        assertThat(hist).anyMatch(h -> h.kind() == HistoryEntry.Kind.TRANSFER_OUT && h.memo().equals("ih:abc")
                && BOB.address().equals(h.counterparty()) && h.delta() == -1_000);
        assertThat(ledger.history(ALICE.address(), 2)).hasSize(2);
        assertThat(ledger.history(BOB.address(), 100)).anyMatch(h -> h.kind() == HistoryEntry.Kind.CHANNEL_PAYOUT
                && h.delta() == 3_000 && id.equals(h.channel()));
        assertThat(r1.journalSeq()).isLessThan(a.journalSeq());
        assertInvariant();
    }

    @Test
    void badOperationsAreRejectedWithoutStateChange() {
        send(GENESIS, ALICE.address(), 10_000, "fund");
        long n = ledger.nextNonce(ALICE.address());

        Transfer.Signed forged = new Transfer(ALICE.address(), BOB.address(), 100, n, "").sign(ALICE);
        // Bob signs Alice's transfer with his own key: the key does not hash to the sender
        Transfer.Signed byBob = new Transfer.Signed(forged.transfer(), io.btspeed.ledger.crypto.PublicKey.of(BOB.publicKey()),
                BOB.sign(forged.transfer().digest()));
        rejected(Code.BAD_SIGNATURE, () -> ledger.transfer(byBob), ALICE, BOB);
        Transfer.Signed wrongSig = new Transfer.Signed(forged.transfer(), forged.senderKey(),
                ALICE.sign(new Transfer(ALICE.address(), BOB.address(), 101, n, "").digest()));
        rejected(Code.BAD_SIGNATURE, () -> ledger.transfer(wrongSig), ALICE, BOB);
        rejected(Code.INSUFFICIENT_FUNDS,
                () -> ledger.transfer(new Transfer(ALICE.address(), BOB.address(), 10_001, n, "").sign(ALICE)), ALICE, BOB);
        rejected(Code.BAD_NONCE,
                () -> ledger.transfer(new Transfer(ALICE.address(), BOB.address(), 1, n + 5, "").sign(ALICE)), ALICE, BOB);
        send(ALICE, BOB.address(), 1, "");
        rejected(Code.BAD_NONCE,
                () -> ledger.transfer(new Transfer(ALICE.address(), BOB.address(), 2, n, "").sign(ALICE)), ALICE, BOB);

        ChannelOpen.Signed open = openSigned(ALICE, BOB.address(), 1_000, Duration.ofHours(1));
        ChannelId id = open.open().channelId();
        ledger.openChannel(open);
        ChannelState.Signed over = new ChannelState(id.bytes(), 1, 1_001).sign(ALICE);
        rejected(Code.OVER_ESCROW, () -> ledger.closeChannel(new ChannelClose(id, over).sign(BOB)), ALICE, BOB);
        ChannelState.Signed bySomeoneElse = new ChannelState(id.bytes(), 1, 10).sign(BOB);
        rejected(Code.BAD_SIGNATURE, () -> ledger.closeChannel(new ChannelClose(id, bySomeoneElse).sign(BOB)), ALICE, BOB);
        rejected(Code.CHANNEL_NOT_EXPIRED, () -> ledger.refundExpired(id), ALICE, BOB);
        ChannelId unknown = new ChannelId(new byte[32]);
        rejected(Code.CHANNEL_NOT_FOUND, () -> ledger.refundExpired(unknown), ALICE, BOB);
        assertThat(ledger.channel(unknown)).isEmpty();
        clock.advance(Duration.ofHours(2));
        ChannelState.Signed late = new ChannelState(id.bytes(), 1, 10).sign(ALICE);
        rejected(Code.CHANNEL_EXPIRED, () -> ledger.closeChannel(new ChannelClose(id, late).sign(BOB)), ALICE, BOB);
        ledger.refundExpired(id);
        assertInvariant();
    }

    /** Threads per concurrency run and operations per thread; subclasses over slow transports may lower them. */
    protected int threads() {
        return 16;
    }

    protected int opsPerThread() {
        return 20;
    }

    /**
     * Many clients at once: each thread spends from its own account (so nonces never collide) into a
     * shared hot account and random others, and opens channels that the hot account closes. Every
     * call must succeed; afterwards every balance equals what the acknowledged operations imply, every
     * receipt is in the history, and the invariant holds.
     */
    @Test
    void concurrentClientsLoseNoUpdate() throws Exception {
        int threads = threads();
        int ops = opsPerThread();
        long seed = new Random().nextLong();
        System.out.println(getClass().getSimpleName() + " concurrency seed " + seed);
        KeyPair hot = key(999);
        List<KeyPair> senders = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            senders.add(key(100 + i));
            send(GENESIS, senders.get(i).address(), 1_000_000, "fund");
        }
        Map<Address, AtomicLong> expected = new ConcurrentHashMap<>();
        for (KeyPair k : senders) {
            expected.put(k.address(), new AtomicLong(1_000_000));
        }
        expected.put(hot.address(), new AtomicLong());
        Map<Address, List<Long>> acked = new ConcurrentHashMap<>();

        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                int threadIndex = i;
                KeyPair me = senders.get(i);
                Random rnd = new Random(seed + i);
                futures.add(pool.submit(() -> {
                    List<Long> mine = acked.computeIfAbsent(me.address(), a -> new ArrayList<>());
                    long nonce = ledger.nextNonce(me.address());
                    for (int k = 0; k < ops; k++) {
                        if (k % 5 == 4) {
                            long escrow = 100 + rnd.nextInt(100);
                            // below the escrow, so the payer's history always gets a return row for the close
                            // (a zero movement leaves no history row)
                            long pay = rnd.nextInt((int) escrow);
                            ChannelOpen.Signed open = new ChannelOpen(me.address(), hot.address(), escrow,
                                    START + Duration.ofHours(1).toMillis(), nonce++, "c").sign(me);
                            mine.add(ledger.openChannel(open).journalSeq());
                            ChannelId id = open.open().channelId();
                            ChannelState.Signed best = new ChannelState(id.bytes(), 1 + rnd.nextInt(9), pay).sign(me);
                            mine.add(ledger.closeChannel(new ChannelClose(id, best).sign(hot)).journalSeq());
                            expected.get(me.address()).addAndGet(-pay);
                            expected.get(hot.address()).addAndGet(pay);
                        } else {
                            int other = (threadIndex + 1 + rnd.nextInt(senders.size() - 1)) % senders.size();
                            KeyPair to = rnd.nextBoolean() ? hot : senders.get(other);
                            long amount = 1 + rnd.nextInt(500);
                            Transfer.Signed t = new Transfer(me.address(), to.address(), amount, nonce++, "t" + k).sign(me);
                            mine.add(ledger.transfer(t).journalSeq());
                            expected.get(me.address()).addAndGet(-amount);
                            expected.get(to.address()).addAndGet(amount);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        }

        for (Map.Entry<Address, AtomicLong> e : expected.entrySet()) {
            assertThat(ledger.balance(e.getKey())).as("balance of " + e.getKey() + " (seed " + seed + ")")
                    .isEqualTo(e.getValue().get());
        }
        for (KeyPair k : senders) {
            List<Long> seqs = ledger.history(k.address(), 1000).stream().map(HistoryEntry::journalSeq).toList();
            assertThat(seqs).as("history of " + k.address()).containsAll(acked.get(k.address()));
            assertThat(ledger.nextNonce(k.address())).isEqualTo(ops);
        }
        List<Long> all = acked.values().stream().flatMap(List::stream).toList();
        assertThat(all).doesNotHaveDuplicates();
        assertThat(ledger.openChannels(hot.address())).isEmpty();
        assertInvariant();
    }
}
