package io.btspeed.ledger.store;

import io.btspeed.ledger.AuditReport;
import io.btspeed.ledger.ChannelId;
import io.btspeed.ledger.ChannelInfo;
import io.btspeed.ledger.LedgerException;
import io.btspeed.ledger.TokenInfo;
import io.btspeed.ledger.crypto.Address;
import io.btspeed.ledger.op.LedgerOp;
import io.btspeed.ledger.op.OpJson;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Re-derives the whole ledger from its journal and compares it with the tables. It checks the hash
 * chain, re-verifies every signature by replaying each operation through {@link LedgerRules} at
 * its recorded time, and compares the replayed accounts, channels and history with what the
 * database holds; then the supply invariant. Any after-the-fact edit of any table shows up here.
 */
final class Audit {
    private static final int MAX_PROBLEMS = 50;

    private Audit() {}

    /** State rebuilt in memory by replay. */
    private static final class Replay implements LedgerRules.View {
        final Map<Address, Account> accounts = new HashMap<>();
        final Map<ChannelId, ChannelInfo> channels = new HashMap<>();
        final List<String> history = new ArrayList<>();

        @Override
        public Account account(Address a) {
            return accounts.getOrDefault(a, Account.EMPTY);
        }

        @Override
        public Optional<ChannelInfo> channel(ChannelId id) {
            return Optional.ofNullable(channels.get(id));
        }

        void apply(Effect e, long seq, long at) {
            accounts.putAll(e.accounts());
            if (e.channel() != null) channels.put(e.channel().id(), e.channel());
            for (Effect.Row r : e.history()) {
                history.add(historyKey(r.account().bytes(), seq, at, r.kind().name(), r.counterparty().bytes(), r.delta(),
                        r.memo() == null ? "" : r.memo(), r.channel() == null ? null : r.channel().bytes()));
            }
        }
    }

    static AuditReport run(Connection c, TokenInfo token) throws SQLException {
        List<String> problems = new ArrayList<>();
        Replay replay = new Replay();
        long length = 0;
        byte[] prev = JournalRecord.ZERO_HASH;
        long expectSeq = 0;
        try (PreparedStatement st = c.prepareStatement("SELECT seq, op_id, kind, at, body, prev_hash, hash FROM journal ORDER BY seq");
             ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                length++;
                long seq = rs.getLong(1);
                byte[] opId = rs.getBytes(2);
                String kind = rs.getString(3);
                long at = rs.getLong(4);
                byte[] body = rs.getBytes(5);
                byte[] prevHash = rs.getBytes(6);
                byte[] hash = rs.getBytes(7);
                if (seq != expectSeq) add(problems, "journal: record " + seq + " where " + expectSeq + " was expected (a record is missing)");
                expectSeq = seq + 1;
                if (!Arrays.equals(prevHash, prev)) add(problems, "journal: record " + seq + " does not link to the previous record's hash");
                if (!Arrays.equals(hash, JournalRecord.hash(prevHash, seq, opId, kind, at, body))) {
                    add(problems, "journal: record " + seq + " was modified (its hash does not match its content)");
                }
                prev = hash;
                LedgerOp op;
                try {
                    op = OpJson.decode(body);
                } catch (LedgerException e) {
                    add(problems, "journal: record " + seq + " cannot be decoded: " + e.getMessage());
                    continue;
                }
                if (!Arrays.equals(op.id(), opId) || !op.kind().equals(kind)) add(problems, "journal: record " + seq + " has a wrong op id or kind");
                try {
                    Effect e;
                    if (op instanceof LedgerOp.Genesis g) {
                        if (seq != 0) throw new LedgerException(LedgerException.Code.INVALID_REQUEST, "genesis after the first record");
                        if (!g.token().equals(token)) add(problems, "meta: token differs from the genesis record");
                        e = LedgerRules.genesis(g);
                    } else {
                        if (seq == 0) throw new LedgerException(LedgerException.Code.INVALID_REQUEST, "the first record is not genesis");
                        e = LedgerRules.apply(op, replay, at);
                    }
                    replay.apply(e, seq, at);
                } catch (LedgerException e) {
                    add(problems, "journal: record " + seq + " (" + kind + ") is not valid under the rules: " + e.getMessage());
                }
            }
        }
        if (length == 0) add(problems, "journal is empty");

        // the tables must be exactly what the journal says
        Map<Address, Account> stored = new HashMap<>();
        long sumBalances = 0;
        try (PreparedStatement st = c.prepareStatement("SELECT address, balance, nonce FROM accounts"); ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                Address a = new Address(rs.getBytes(1));
                Account acc = new Account(rs.getLong(2), rs.getLong(3));
                stored.put(a, acc);
                if (acc.balance() < 0) add(problems, "accounts: " + a + " has a negative balance " + acc.balance());
                sumBalances = Math.addExact(sumBalances, acc.balance());
            }
        }
        for (var e : replay.accounts.entrySet()) {
            Account s = stored.get(e.getKey());
            if (!e.getValue().equals(s)) add(problems, "accounts: " + e.getKey() + " is " + s + " but the journal gives " + e.getValue());
        }
        for (Address a : stored.keySet()) {
            if (!replay.accounts.containsKey(a)) add(problems, "accounts: " + a + " does not appear in the journal");
        }
        long sumEscrow = 0;
        Map<ChannelId, ChannelInfo> storedChannels = new HashMap<>();
        try (PreparedStatement st = c.prepareStatement("SELECT * FROM channels"); ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                ChannelInfo ch = JdbcLedger.channelFrom(rs);
                storedChannels.put(ch.id(), ch);
                if (ch.status() == ChannelInfo.Status.OPEN) sumEscrow = Math.addExact(sumEscrow, ch.escrow());
            }
        }
        for (var e : replay.channels.entrySet()) {
            if (!sameChannel(e.getValue(), storedChannels.get(e.getKey()))) {
                add(problems, "channels: " + e.getKey() + " differs from what the journal gives");
            }
        }
        for (ChannelId id : storedChannels.keySet()) {
            if (!replay.channels.containsKey(id)) add(problems, "channels: " + id + " does not appear in the journal");
        }
        List<String> storedHistory = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement(
                "SELECT address, journal_seq, at, kind, counterparty, delta, memo, channel FROM history ORDER BY id");
             ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                storedHistory.add(historyKey(rs.getBytes(1), rs.getLong(2), rs.getLong(3), rs.getString(4), rs.getBytes(5),
                        rs.getLong(6), rs.getString(7), rs.getBytes(8)));
            }
        }
        if (!storedHistory.equals(replay.history)) {
            int i = 0;
            while (i < Math.min(storedHistory.size(), replay.history.size()) && storedHistory.get(i).equals(replay.history.get(i))) i++;
            add(problems, "history: differs from the journal from row " + (i + 1) + " on (" + storedHistory.size() + " rows stored, "
                    + replay.history.size() + " expected)");
        }
        if (sumBalances + sumEscrow != token.supply()) {
            add(problems, "invariant: balances " + sumBalances + " + open escrow " + sumEscrow + " = " + (sumBalances + sumEscrow)
                    + " but the supply is " + token.supply());
        }
        return new AuditReport(token.supply(), sumBalances, sumEscrow, length, problems);
    }

    private static boolean sameChannel(ChannelInfo a, ChannelInfo b) {
        return b != null && a.payer().equals(b.payer()) && a.payerKey().equals(b.payerKey()) && a.payee().equals(b.payee())
                && a.escrow() == b.escrow() && a.expiresAtMillis() == b.expiresAtMillis() && a.status() == b.status()
                && a.paidToPayee() == b.paidToPayee() && a.closingSequence() == b.closingSequence() && Objects.equals(a.memo(), b.memo());
    }

    private static String historyKey(byte[] account, long seq, long at, String kind, byte[] counterparty, long delta, String memo,
                                     byte[] channel) {
        HexFormat h = HexFormat.of();
        return h.formatHex(account) + "|" + seq + "|" + at + "|" + kind + "|" + h.formatHex(counterparty) + "|" + delta + "|" + memo
                + "|" + (channel == null ? "-" : h.formatHex(channel));
    }

    private static void add(List<String> problems, String p) {
        if (problems.size() < MAX_PROBLEMS) problems.add(p);
    }
}
