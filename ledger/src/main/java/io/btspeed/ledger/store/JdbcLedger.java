package io.btspeed.ledger.store;

import static io.btspeed.ledger.LedgerException.Code.INTERNAL;
import static io.btspeed.ledger.LedgerException.Code.UNAVAILABLE;

import io.btspeed.ledger.AuditReport;
import io.btspeed.ledger.ChannelId;
import io.btspeed.ledger.ChannelInfo;
import io.btspeed.ledger.HistoryEntry;
import io.btspeed.ledger.Ledger;
import io.btspeed.ledger.LedgerException;
import io.btspeed.ledger.Receipt;
import io.btspeed.ledger.TokenInfo;
import io.btspeed.ledger.crypto.Address;
import io.btspeed.ledger.crypto.PublicKey;
import io.btspeed.ledger.op.ChannelClose;
import io.btspeed.ledger.op.ChannelOpen;
import io.btspeed.ledger.op.LedgerOp;
import io.btspeed.ledger.op.OpJson;
import io.btspeed.ledger.op.Transfer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Ledger} on a SQL database. All writes go through one writer thread that takes every
 * operation waiting in its queue, applies them in one transaction (group commit: one durable
 * commit for many operations) and only then answers each caller. An operation the rules reject
 * fails alone; the others in the batch still commit. Reads use their own connection.
 */
public class JdbcLedger implements Ledger {
    private static final int MAX_BATCH = 512;

    private final Connection writer;
    private final Connection reader;
    private final InstantSource clock;
    private final SqlDialect dialect;
    private final TokenInfo token;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread writerThread;
    private volatile boolean closed;

    private long nextSeq;
    private byte[] head;

    private record Pending(LedgerOp op, LedgerRules.Preverified pre, CompletableFuture<Receipt> result) {}

    /** The writer's statements, prepared once: preparing per operation costs more than executing. */
    private final Map<String, PreparedStatement> statements = new java.util.HashMap<>();

    private PreparedStatement ps(Connection c, String sql) throws SQLException {
        // only the writer connection is ever passed here (during construction, before the field is set, too)
        PreparedStatement st = statements.get(sql);
        if (st == null) {
            st = c.prepareStatement(sql);
            statements.put(sql, st);
        }
        st.clearParameters();
        return st;
    }

    /**
     * @param connect opens a new connection to the database: {@code true} for the writer, {@code false} for the reader
     * @param genesis the ledger's first record when the database is new; null to open an existing one
     */
    protected JdbcLedger(java.util.function.Function<Boolean, Connection> connect, SqlDialect dialect, InstantSource clock, LedgerOp.Genesis genesis) {
        this.clock = clock;
        this.dialect = dialect;
        Connection w = null, r = null;
        try {
            w = connect.apply(true);
            dialect.configure(w, true);
            w.setAutoCommit(false);
            for (String ddl : dialect.schema()) {
                try (var st = w.createStatement()) {
                    st.execute(ddl);
                }
            }
            w.commit();
            boolean exists = metaValue(w, "symbol") != null;
            if (genesis != null) {
                if (exists) throw new LedgerException(LedgerException.Code.INVALID_REQUEST, "a ledger already exists in this database");
                writeGenesis(w, genesis);
            } else if (!exists) {
                throw new LedgerException(LedgerException.Code.INVALID_REQUEST, "no ledger in this database; create one first (btspeed ledger init)");
            }
            this.token = new TokenInfo(metaValue(w, "symbol"), Integer.parseInt(metaValue(w, "decimals")),
                    Long.parseLong(metaValue(w, "supply")));
            readHead(w);
            w.commit();
            // outside a batch the writer holds no transaction (and so no lock on a shared file)
            w.setAutoCommit(true);
            r = connect.apply(false);
            dialect.configure(r, false);
            r.setAutoCommit(true);
        } catch (SQLException e) {
            closeQuietly(w);
            closeQuietly(r);
            throw new LedgerException(UNAVAILABLE, "cannot open the ledger database: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(w);
            closeQuietly(r);
            throw e;
        }
        this.writer = w;
        this.reader = r;
        this.writerThread = Thread.ofPlatform().name("ledger-writer").daemon(true).start(this::writeLoop);
    }

    private void readHead(Connection c) throws SQLException {
        PreparedStatement st = ps(c, "SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1");
        try (ResultSet rs = st.executeQuery()) {
            if (!rs.next()) throw new LedgerException(INTERNAL, "ledger journal is empty (no genesis record)");
            nextSeq = rs.getLong(1) + 1;
            head = rs.getBytes(2);
        }
    }

    private void writeGenesis(Connection w, LedgerOp.Genesis g) throws SQLException {
        putMeta(w, "symbol", g.token().symbol());
        putMeta(w, "decimals", Integer.toString(g.token().decimals()));
        putMeta(w, "supply", Long.toString(g.token().supply()));
        putMeta(w, "genesis", g.holder().toEvm());
        long at = clock.millis();
        apply(w, LedgerRules.genesis(g), 0, at);
        byte[] body = OpJson.encode(g);
        byte[] hash = JournalRecord.hash(JournalRecord.ZERO_HASH, 0, g.id(), g.kind(), at, body);
        insertJournal(w, new JournalRecord(0, g.id(), g.kind(), at, body, JournalRecord.ZERO_HASH, hash));
        w.commit();
    }

    // ------------------------------------------------------------------ writes

    @Override
    public Receipt transfer(Transfer.Signed transfer) {
        return submit(new LedgerOp.TransferOp(transfer));
    }

    @Override
    public Receipt openChannel(ChannelOpen.Signed open) {
        return submit(new LedgerOp.OpenOp(open));
    }

    @Override
    public Receipt closeChannel(ChannelClose.Signed close) {
        return submit(new LedgerOp.CloseOp(close));
    }

    @Override
    public Receipt refundExpired(ChannelId channel) {
        return submit(new LedgerOp.RefundOp(channel));
    }

    /** Queues the operation and waits until it is durable (or rejected). */
    public Receipt submit(LedgerOp op) {
        if (op instanceof LedgerOp.Genesis) throw new LedgerException(LedgerException.Code.INVALID_REQUEST, "genesis cannot be submitted");
        if (closed) throw new LedgerException(UNAVAILABLE, "ledger is closed");
        // signatures are checked here, on the callers' threads, so the single writer does not verify serially
        LedgerRules.Preverified pre = LedgerRules.verifySignatures(op, readerView);
        CompletableFuture<Receipt> f = new CompletableFuture<>();
        queue.add(new Pending(op, pre, f));
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LedgerException(UNAVAILABLE, "interrupted while waiting for the ledger (the operation may still commit)");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof LedgerException le) throw le;
            throw new LedgerException(INTERNAL, "ledger write failed: " + e.getCause(), e.getCause());
        }
    }

    private void writeLoop() {
        List<Pending> batch = new ArrayList<>();
        while (true) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (closed && queue.isEmpty()) return;
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                commitBatch(batch);
            } catch (InterruptedException e) {
                if (closed) return;
            } finally {
                batch.clear();
            }
        }
    }

    private void commitBatch(List<Pending> batch) {
        long seqBefore = nextSeq;
        byte[] headBefore = head;
        List<Receipt> receipts = new ArrayList<>(batch.size());
        List<RuntimeException> errors = new ArrayList<>(batch.size());
        try {
            // Another process may share the database file: the transaction takes the write lock first
            // (SQLite: BEGIN IMMEDIATE), then the journal head is re-read so records always chain.
            writer.setAutoCommit(false);
            dialect.beginWrite(writer);
            readHead(writer);
            long at = clock.millis();
            JdbcView view = new JdbcView(writer);
            for (Pending p : batch) {
                Receipt r = null;
                RuntimeException err = null;
                try {
                    r = existingReceipt(writer, p.op().id());
                    if (r == null) r = applyOne(view, p.op(), p.pre(), at);
                } catch (LedgerException e) {
                    if (e.code() == INTERNAL) throw e; // the database failed, not the operation: fail the batch
                    err = e;
                }
                receipts.add(r);
                errors.add(err);
            }
            writer.commit();
            writer.setAutoCommit(true);
        } catch (SQLException | RuntimeException e) {
            try {
                writer.rollback();
                writer.setAutoCommit(true);
            } catch (SQLException ignored) {
                // the connection is broken; every caller below learns the batch failed
            }
            nextSeq = seqBefore;
            head = headBefore;
            LedgerException fail = new LedgerException(INTERNAL, "ledger commit failed, nothing was written: " + e.getMessage(), e);
            for (Pending p : batch) p.result().completeExceptionally(fail);
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            if (errors.get(i) != null) batch.get(i).result().completeExceptionally(errors.get(i));
            else batch.get(i).result().complete(receipts.get(i));
        }
    }

    private Receipt applyOne(JdbcView view, LedgerOp op, LedgerRules.Preverified pre, long at) throws SQLException {
        Effect effect = LedgerRules.apply(op, view, at, pre);
        long seq = nextSeq;
        byte[] body = OpJson.encode(op);
        byte[] id = op.id();
        byte[] hash = JournalRecord.hash(head, seq, id, op.kind(), at, body);
        apply(writer, effect, seq, at);
        insertJournal(writer, new JournalRecord(seq, id, op.kind(), at, body, head, hash));
        nextSeq = seq + 1;
        head = hash;
        return new Receipt(id, seq, at);
    }

    private static final String UPSERT_ACCOUNT = "INSERT INTO accounts(address, balance, nonce) VALUES (?, ?, ?)"
            + " ON CONFLICT(address) DO UPDATE SET balance = excluded.balance, nonce = excluded.nonce";
    private static final String UPSERT_CHANNEL = "INSERT INTO channels(id, payer, payer_key, payee, escrow, expires_at, status, paid,"
            + " closing_seq, memo) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET status = excluded.status,"
            + " paid = excluded.paid, closing_seq = excluded.closing_seq";
    private static final String INSERT_HISTORY =
            "INSERT INTO history(address, journal_seq, at, kind, counterparty, delta, memo, channel) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_JOURNAL = "INSERT INTO journal(seq, op_id, kind, at, body, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)";

    /** Writes an effect verbatim (on the writer connection, whose statements stay prepared). */
    private void apply(Connection c, Effect e, long seq, long at) throws SQLException {
        PreparedStatement acc = ps(c, UPSERT_ACCOUNT);
        for (Map.Entry<Address, Account> a : e.accounts().entrySet()) {
            acc.setBytes(1, a.getKey().bytes());
            acc.setLong(2, a.getValue().balance());
            acc.setLong(3, a.getValue().nonce());
            acc.addBatch();
        }
        acc.executeBatch();
        if (e.channel() != null) {
            ChannelInfo ch = e.channel();
            PreparedStatement st = ps(c, UPSERT_CHANNEL);
            st.setBytes(1, ch.id().bytes());
            st.setBytes(2, ch.payer().bytes());
            st.setBytes(3, ch.payerKey().raw());
            st.setBytes(4, ch.payee().bytes());
            st.setLong(5, ch.escrow());
            st.setLong(6, ch.expiresAtMillis());
            st.setString(7, ch.status().name());
            st.setLong(8, ch.paidToPayee());
            st.setLong(9, ch.closingSequence());
            st.setString(10, ch.memo());
            st.executeUpdate();
        }
        PreparedStatement h = ps(c, INSERT_HISTORY);
        for (Effect.Row r : e.history()) {
            h.setBytes(1, r.account().bytes());
            h.setLong(2, seq);
            h.setLong(3, at);
            h.setString(4, r.kind().name());
            h.setBytes(5, r.counterparty().bytes());
            h.setLong(6, r.delta());
            h.setString(7, r.memo() == null ? "" : r.memo());
            h.setBytes(8, r.channel() == null ? null : r.channel().bytes());
            h.addBatch();
        }
        h.executeBatch();
    }

    private void insertJournal(Connection c, JournalRecord j) throws SQLException {
        PreparedStatement st = ps(c, INSERT_JOURNAL);
        st.setLong(1, j.seq());
        st.setBytes(2, j.opId());
        st.setString(3, j.kind());
        st.setLong(4, j.atMillis());
        st.setBytes(5, j.body());
        st.setBytes(6, j.prevHash());
        st.setBytes(7, j.hash());
        st.executeUpdate();
    }

    private Receipt existingReceipt(Connection c, byte[] opId) throws SQLException {
        PreparedStatement st = ps(c, "SELECT seq, at FROM journal WHERE op_id = ?");
        st.setBytes(1, opId);
        try (ResultSet rs = st.executeQuery()) {
            return rs.next() ? new Receipt(opId, rs.getLong(1), rs.getLong(2)) : null;
        }
    }

    /** The rules' view of the state inside the writer's open transaction (sees the batch's earlier writes). */
    private final class JdbcView implements LedgerRules.View {
        private final Connection c;

        JdbcView(Connection c) {
            this.c = c;
        }

        @Override
        public Account account(Address address) {
            try {
                PreparedStatement st = ps(c, "SELECT balance, nonce FROM accounts WHERE address = ?");
                st.setBytes(1, address.bytes());
                try (ResultSet rs = st.executeQuery()) {
                    return rs.next() ? new Account(rs.getLong(1), rs.getLong(2)) : Account.EMPTY;
                }
            } catch (SQLException e) {
                throw new LedgerException(INTERNAL, "reading account failed: " + e.getMessage(), e);
            }
        }

        @Override
        public Optional<ChannelInfo> channel(ChannelId id) {
            try {
                PreparedStatement st = ps(c, "SELECT * FROM channels WHERE id = ?");
                st.setBytes(1, id.bytes());
                try (ResultSet rs = st.executeQuery()) {
                    return rs.next() ? Optional.of(channelFrom(rs)) : Optional.empty();
                }
            } catch (SQLException e) {
                throw new LedgerException(INTERNAL, "reading channel failed: " + e.getMessage(), e);
            }
        }
    }

    /** Committed state through the read connection, for checks made before an operation is queued. */
    private final LedgerRules.View readerView = new LedgerRules.View() {
        @Override
        public Account account(Address address) {
            return read(c -> readAccount(c, address));
        }

        @Override
        public Optional<ChannelInfo> channel(ChannelId id) {
            return read(c -> readChannel(c, id));
        }
    };

    // ------------------------------------------------------------------ reads

    @Override
    public TokenInfo token() {
        return token;
    }

    /** The token and the hash of the genesis record: unique to this ledger, wherever its file lives. */
    @Override
    public String id() {
        return read(c -> {
            PreparedStatement st = c.prepareStatement("SELECT hash FROM journal WHERE seq = 0");
            try (st; ResultSet rs = st.executeQuery()) {
                if (!rs.next()) throw new LedgerException(INTERNAL, "ledger has no genesis record");
                return token.symbol() + ":" + java.util.HexFormat.of().formatHex(rs.getBytes(1), 0, 16);
            }
        });
    }

    @Override
    public long balance(Address account) {
        return read(c -> readAccount(c, account).balance());
    }

    @Override
    public long nextNonce(Address account) {
        return read(c -> readAccount(c, account).nonce());
    }

    @Override
    public Optional<ChannelInfo> channel(ChannelId channel) {
        return read(c -> readChannel(c, channel));
    }

    @Override
    public List<ChannelInfo> openChannels(Address account) {
        return read(c -> {
            List<ChannelInfo> out = new ArrayList<>();
            try (PreparedStatement st = c.prepareStatement(
                    "SELECT * FROM channels WHERE (payer = ? OR payee = ?) AND status = 'OPEN' ORDER BY expires_at")) {
                st.setBytes(1, account.bytes());
                st.setBytes(2, account.bytes());
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) out.add(channelFrom(rs));
                }
            }
            return out;
        });
    }

    @Override
    public List<HistoryEntry> history(Address account, int limit) {
        if (limit <= 0) return List.of();
        return read(c -> {
            List<HistoryEntry> out = new ArrayList<>();
            try (PreparedStatement st = c.prepareStatement(
                    "SELECT journal_seq, at, kind, counterparty, delta, memo, channel FROM history WHERE address = ? ORDER BY id DESC LIMIT ?")) {
                st.setBytes(1, account.bytes());
                st.setInt(2, limit);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        byte[] ch = rs.getBytes(7);
                        out.add(new HistoryEntry(rs.getLong(1), rs.getLong(2), HistoryEntry.Kind.valueOf(rs.getString(3)),
                                new Address(rs.getBytes(4)), rs.getLong(5), rs.getString(6), ch == null ? null : new ChannelId(ch)));
                    }
                }
            }
            return out;
        });
    }

    @Override
    public AuditReport audit() {
        return read(c -> Audit.run(c, token));
    }

    private interface Read<T> {
        T run(Connection c) throws SQLException;
    }

    /** Reads share one connection; a read transaction gives each call a consistent snapshot. */
    private <T> T read(Read<T> r) {
        if (closed) throw new LedgerException(UNAVAILABLE, "ledger is closed");
        synchronized (reader) {
            try {
                reader.setAutoCommit(false);
                try {
                    return r.run(reader);
                } finally {
                    reader.commit();
                    reader.setAutoCommit(true);
                }
            } catch (SQLException e) {
                throw new LedgerException(UNAVAILABLE, "ledger read failed: " + e.getMessage(), e);
            }
        }
    }

    static Account readAccount(Connection c, Address a) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT balance, nonce FROM accounts WHERE address = ?")) {
            st.setBytes(1, a.bytes());
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? new Account(rs.getLong(1), rs.getLong(2)) : Account.EMPTY;
            }
        }
    }

    static Optional<ChannelInfo> readChannel(Connection c, ChannelId id) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT * FROM channels WHERE id = ?")) {
            st.setBytes(1, id.bytes());
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? Optional.of(channelFrom(rs)) : Optional.empty();
            }
        }
    }

    static ChannelInfo channelFrom(ResultSet rs) throws SQLException {
        return new ChannelInfo(new ChannelId(rs.getBytes("id")), new Address(rs.getBytes("payer")), PublicKey.of(rs.getBytes("payer_key")),
                new Address(rs.getBytes("payee")), rs.getLong("escrow"), rs.getLong("expires_at"),
                ChannelInfo.Status.valueOf(rs.getString("status")), rs.getLong("paid"), rs.getLong("closing_seq"), rs.getString("memo"));
    }

    private static String metaValue(Connection c, String k) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT v FROM meta WHERE k = ?")) {
            st.setString(1, k);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static void putMeta(Connection c, String k, String v) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("INSERT INTO meta(k, v) VALUES (?, ?)")) {
            st.setString(1, k);
            st.setString(2, v);
            st.executeUpdate();
        }
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            writerThread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Pending p : queue) p.result().completeExceptionally(new LedgerException(UNAVAILABLE, "ledger is closed"));
        for (PreparedStatement st : statements.values()) {
            try {
                st.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
        closeQuietly(writer);
        synchronized (reader) {
            closeQuietly(reader);
        }
    }

    private static void closeQuietly(Connection c) {
        if (c == null) return;
        try {
            c.close();
        } catch (SQLException ignored) {
            // closing: nothing left to save
        }
    }
}
