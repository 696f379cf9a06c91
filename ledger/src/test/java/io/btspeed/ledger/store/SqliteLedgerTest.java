package io.btspeed.ledger.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.btspeed.ledger.AuditReport;
import io.btspeed.ledger.ChannelId;
import io.btspeed.ledger.ChannelInfo;
import io.btspeed.ledger.HistoryEntry;
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
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.DriverManager;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteLedgerTest {
    static final TokenInfo TOKEN = new TokenInfo("TST", 6, 1_000_000_000L);
    static final long HOUR = 3_600_000L;

    @TempDir
    Path tmp;
    final TestClock clock = new TestClock();
    final KeyPair genesis = KeyPair.fromPrivateKey(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21,
            22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32});
    final KeyPair alice = KeyPair.generate(new SecureRandom());
    final KeyPair bob = KeyPair.generate(new SecureRandom());

    SqliteLedger create() {
        return SqliteLedger.create(tmp.resolve("ledger.db"), TOKEN, genesis.address(), clock);
    }

    static Transfer.Signed pay(SqliteLedger l, KeyPair from, Address to, long amount, String memo) {
        return new Transfer(from.address(), to, amount, l.nextNonce(from.address()), memo).sign(from);
    }

    static ChannelOpen.Signed open(SqliteLedger l, KeyPair payer, Address payee, long escrow, long expiresAt) {
        return new ChannelOpen(payer.address(), payee, escrow, expiresAt, l.nextNonce(payer.address()), "torrent-1").sign(payer);
    }

    /** Everything a rejected operation must leave untouched. */
    record Snapshot(long g, long a, long b, long ga, long na, long nb, long journal, List<ChannelInfo> aChannels) {}

    Snapshot snap(SqliteLedger l) {
        AuditReport r = l.audit();
        return new Snapshot(l.balance(genesis.address()), l.balance(alice.address()), l.balance(bob.address()),
                l.nextNonce(genesis.address()), l.nextNonce(alice.address()), l.nextNonce(bob.address()), r.journalLength(),
                l.openChannels(alice.address()));
    }

    void assertRejected(SqliteLedger l, Code code, Runnable op) {
        Snapshot before = snap(l);
        assertThatThrownBy(op::run).isInstanceOf(LedgerException.class).satisfies(e -> assertThat(((LedgerException) e).code()).isEqualTo(code));
        assertThat(snap(l)).isEqualTo(before);
        assertThat(l.audit().ok()).isTrue();
    }

    @Test
    void transfersAndAChannelLifecycleMoveExactAmountsAndKeepTheInvariant() {
        try (SqliteLedger l = create()) {
            assertThat(l.balance(genesis.address())).isEqualTo(TOKEN.supply());
            l.transfer(pay(l, genesis, alice.address(), 10_000, "faucet"));
            assertThat(l.balance(alice.address())).isEqualTo(10_000);
            assertThat(l.nextNonce(genesis.address())).isEqualTo(1);

            ChannelOpen.Signed o = open(l, alice, bob.address(), 4_000, clock.millis() + 24 * HOUR);
            l.openChannel(o);
            ChannelId id = o.open().channelId();
            assertThat(l.balance(alice.address())).isEqualTo(6_000);
            assertThat(l.channel(id)).get().extracting(ChannelInfo::status).isEqualTo(ChannelInfo.Status.OPEN);
            assertThat(l.openChannels(bob.address())).hasSize(1);
            AuditReport mid = l.audit();
            assertThat(mid.ok()).as(mid.problems().toString()).isTrue();
            assertThat(mid.sumOpenEscrow()).isEqualTo(4_000);

            // the payer signs growing states; the payee closes with the best one
            ChannelState.Signed s1 = new ChannelState(id.bytes(), 1, 1_000).sign(alice);
            ChannelState.Signed s2 = new ChannelState(id.bytes(), 2, 2_500).sign(alice);
            assertThat(s1.verify(l.channel(id).orElseThrow().payerKey())).isTrue();
            l.closeChannel(new ChannelClose(id, s2).sign(bob));
            assertThat(l.balance(bob.address())).isEqualTo(2_500);
            assertThat(l.balance(alice.address())).isEqualTo(7_500);
            assertThat(l.channel(id)).get().satisfies(c -> {
                assertThat(c.status()).isEqualTo(ChannelInfo.Status.CLOSED);
                assertThat(c.paidToPayee()).isEqualTo(2_500);
                assertThat(c.closingSequence()).isEqualTo(2);
            });
            // a close is final: an older state cannot reopen the question
            assertRejected(l, Code.CHANNEL_NOT_OPEN, () -> l.closeChannel(new ChannelClose(id, s1).sign(bob)));

            List<HistoryEntry> h = l.history(alice.address(), 10);
            assertThat(h).extracting(HistoryEntry::kind).containsExactly(HistoryEntry.Kind.CHANNEL_RETURN,
                    HistoryEntry.Kind.CHANNEL_LOCK, HistoryEntry.Kind.TRANSFER_IN);
            assertThat(h).extracting(HistoryEntry::delta).containsExactly(1_500L, -4_000L, 10_000L);
            assertThat(l.history(bob.address(), 10)).singleElement().satisfies(e -> {
                assertThat(e.kind()).isEqualTo(HistoryEntry.Kind.CHANNEL_PAYOUT);
                assertThat(e.memo()).isEqualTo("torrent-1");
            });
            AuditReport r = l.audit();
            assertThat(r.ok()).as(r.problems().toString()).isTrue();
            assertThat(r.sumBalances()).isEqualTo(TOKEN.supply());
            assertThat(r.journalLength()).isEqualTo(4);
        }
        // durable: a reopened ledger has the same state
        try (SqliteLedger l = SqliteLedger.open(tmp.resolve("ledger.db"), clock)) {
            assertThat(l.balance(bob.address())).isEqualTo(2_500);
            assertThat(l.token()).isEqualTo(TOKEN);
            assertThat(l.audit().ok()).isTrue();
        }
    }

    @Test
    void expiredChannelsRefundThePayerAndCannotBeClosed() {
        try (SqliteLedger l = create()) {
            l.transfer(pay(l, genesis, alice.address(), 5_000, ""));
            ChannelOpen.Signed o = open(l, alice, bob.address(), 5_000, clock.millis() + HOUR);
            l.openChannel(o);
            ChannelId id = o.open().channelId();
            ChannelState.Signed s = new ChannelState(id.bytes(), 1, 100).sign(alice);
            assertRejected(l, Code.CHANNEL_NOT_EXPIRED, () -> l.refundExpired(id));
            clock.advance(HOUR);
            assertRejected(l, Code.CHANNEL_EXPIRED, () -> l.closeChannel(new ChannelClose(id, s).sign(bob)));
            Receipt r = l.refundExpired(id);
            assertThat(l.balance(alice.address())).isEqualTo(5_000);
            assertThat(l.channel(id)).get().extracting(ChannelInfo::status).isEqualTo(ChannelInfo.Status.REFUNDED);
            // idempotent: the same refund again returns the same receipt and changes nothing
            Snapshot before = snap(l);
            assertThat(l.refundExpired(id).journalSeq()).isEqualTo(r.journalSeq());
            assertThat(snap(l)).isEqualTo(before);
        }
    }

    @Test
    void everyBadOperationIsRejectedWithItsCodeAndChangesNothing() {
        try (SqliteLedger l = create()) {
            l.transfer(pay(l, genesis, alice.address(), 1_000, ""));
            KeyPair mallory = KeyPair.generate(new SecureRandom());

            // bad signature: signed by someone else's key but claiming alice as sender
            Transfer t = new Transfer(alice.address(), bob.address(), 10, 0, "");
            Transfer.Signed forged = new Transfer.Signed(t, t.sign(alice).senderKey(), mallory.sign(t.digest()));
            assertRejected(l, Code.BAD_SIGNATURE, () -> l.transfer(forged));
            // tampered amount after signing
            Transfer.Signed good = t.sign(alice);
            Transfer.Signed tampered = new Transfer.Signed(new Transfer(alice.address(), bob.address(), 999, 0, ""),
                    good.senderKey(), good.signature());
            assertRejected(l, Code.BAD_SIGNATURE, () -> l.transfer(tampered));
            // overspend
            assertRejected(l, Code.INSUFFICIENT_FUNDS, () -> l.transfer(pay(l, alice, bob.address(), 1_001, "")));
            // wrong nonce (future) and replay (past)
            assertRejected(l, Code.BAD_NONCE, () -> l.transfer(new Transfer(alice.address(), bob.address(), 1, 5, "").sign(alice)));
            l.transfer(good);
            Transfer.Signed replay = new Transfer(alice.address(), bob.address(), 10, 0, "again").sign(alice);
            assertRejected(l, Code.BAD_NONCE, () -> l.transfer(replay));
            // to self
            assertRejected(l, Code.INVALID_REQUEST, () -> l.transfer(pay(l, alice, alice.address(), 1, "")));
            // negative / zero amounts cannot even be built
            assertThatThrownBy(() -> new Transfer(alice.address(), bob.address(), -1, 1, "")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new ChannelOpen(alice.address(), bob.address(), 0, 1, 1, "")).isInstanceOf(IllegalArgumentException.class);

            // channels
            assertRejected(l, Code.INSUFFICIENT_FUNDS, () -> l.openChannel(open(l, alice, bob.address(), 5_000, clock.millis() + HOUR)));
            assertRejected(l, Code.CHANNEL_EXPIRED, () -> l.openChannel(open(l, alice, bob.address(), 10, clock.millis() - 1)));
            assertRejected(l, Code.INVALID_REQUEST, () -> l.openChannel(open(l, alice, bob.address(), 10, clock.millis() + 31L * 24 * HOUR)));
            ChannelOpen.Signed o = open(l, alice, bob.address(), 500, clock.millis() + HOUR);
            l.openChannel(o);
            ChannelId id = o.open().channelId();
            ChannelId unknown = new ChannelId(new byte[32]);
            assertRejected(l, Code.CHANNEL_NOT_FOUND, () -> l.closeChannel(new ChannelClose(unknown, null).sign(bob)));
            assertRejected(l, Code.CHANNEL_NOT_FOUND, () -> l.refundExpired(unknown));
            // over-escrow state
            ChannelState.Signed tooMuch = new ChannelState(id.bytes(), 1, 501).sign(alice);
            assertRejected(l, Code.OVER_ESCROW, () -> l.closeChannel(new ChannelClose(id, tooMuch).sign(bob)));
            // a state not signed by the payer (the payee forging one)
            ChannelState.Signed byBob = new ChannelState(id.bytes(), 1, 400).sign(bob);
            assertRejected(l, Code.BAD_SIGNATURE, () -> l.closeChannel(new ChannelClose(id, byBob).sign(bob)));
            // a close by someone who is not the payee
            ChannelState.Signed fine = new ChannelState(id.bytes(), 1, 400).sign(alice);
            assertRejected(l, Code.WRONG_PARTY, () -> l.closeChannel(new ChannelClose(id, fine).sign(mallory)));
            // a state for another channel cannot even be attached
            ChannelState.Signed other = new ChannelState(new byte[32], 1, 1).sign(alice);
            assertThatThrownBy(() -> new ChannelClose(id, other)).isInstanceOf(IllegalArgumentException.class);
            // the right close still works afterwards
            l.closeChannel(new ChannelClose(id, fine).sign(bob));
            assertThat(l.balance(bob.address())).isEqualTo(10 + 400);
            assertThat(l.audit().ok()).isTrue();
        }
    }

    @Test
    void resubmittingAnAcceptedOperationReturnsTheSameReceipt() {
        try (SqliteLedger l = create()) {
            Transfer.Signed t = pay(l, genesis, alice.address(), 77, "once");
            Receipt first = l.transfer(t);
            Receipt again = l.transfer(t);
            assertThat(again.journalSeq()).isEqualTo(first.journalSeq());
            assertThat(again.opId()).isEqualTo(first.opId());
            assertThat(l.balance(alice.address())).isEqualTo(77);
            assertThat(l.history(alice.address(), 10)).hasSize(1);
        }
    }

    @Test
    void auditDetectsEditsMadeToTheDatabaseBehindTheLedgersBack() throws Exception {
        Path db = tmp.resolve("ledger.db");
        try (SqliteLedger l = create()) {
            l.transfer(pay(l, genesis, alice.address(), 1_000, ""));
            l.transfer(pay(l, alice, bob.address(), 300, ""));
            assertThat(l.audit().ok()).isTrue();
        }
        String aliceHex = java.util.HexFormat.of().formatHex(alice.address().bytes());
        List<String> edits = List.of(
                "UPDATE accounts SET balance = balance + 1 WHERE hex(address) = upper('" + aliceHex + "')",
                "UPDATE accounts SET balance = balance + 5, nonce = nonce WHERE hex(address) = upper('" + aliceHex + "');"
                        + "UPDATE accounts SET balance = balance - 5 WHERE balance > 100000",
                "UPDATE journal SET body = replace(body, '300', '301') WHERE seq = 2",
                "DELETE FROM journal WHERE seq = 1",
                "DELETE FROM history WHERE id = (SELECT max(id) FROM history)",
                "UPDATE history SET memo = 'edited' WHERE id = 2");
        for (String edit : edits) {
            Path copy = tmp.resolve("copy-" + Math.abs(edit.hashCode()) + ".db");
            java.nio.file.Files.copy(db, copy);
            try (var c = DriverManager.getConnection("jdbc:sqlite:" + copy); var st = c.createStatement()) {
                for (String sql : edit.split(";")) st.execute(sql);
            }
            try (SqliteLedger l = SqliteLedger.open(copy, clock)) {
                AuditReport r = l.audit();
                assertThat(r.ok()).as("audit after: " + edit).isFalse();
                assertThat(r.problems()).as(edit).isNotEmpty();
            }
        }
    }
}
