package io.btspeed.ledger.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * PostgreSQL for the shared ledger: the same tables as SQLite in PostgreSQL's types (BYTEA, BIGINT,
 * an identity column for history order), and a transaction-scoped advisory lock that every write
 * batch takes first. The journal is one hash chain, so writes are inherently one at a time; the
 * lock makes several servers on one database take turns (each then reads the current head and
 * balances under READ COMMITTED, which sees everything committed before the lock was granted), so
 * no update is lost and no batch fails on a duplicate sequence number. Readers use REPEATABLE READ
 * so an audit's several queries see one snapshot.
 */
final class PostgresDialect implements SqlDialect {
    static final PostgresDialect INSTANCE = new PostgresDialect();

    /** Arbitrary but fixed key of the ledger's write lock (ASCII "btspeedL"). */
    private static final long WRITE_LOCK_KEY = 0x6274737065656C4CL;

    private PostgresDialect() {
    }

    @Override
    public List<String> schema() {
        return List.of(
                "CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL)",
                "CREATE TABLE IF NOT EXISTS accounts (address BYTEA PRIMARY KEY, balance BIGINT NOT NULL, nonce BIGINT NOT NULL)",
                "CREATE TABLE IF NOT EXISTS channels (id BYTEA PRIMARY KEY, payer BYTEA NOT NULL, payer_key BYTEA NOT NULL,"
                        + " payee BYTEA NOT NULL, escrow BIGINT NOT NULL, expires_at BIGINT NOT NULL, status TEXT NOT NULL,"
                        + " paid BIGINT NOT NULL, closing_seq BIGINT NOT NULL, memo TEXT NOT NULL)",
                "CREATE INDEX IF NOT EXISTS channels_payer ON channels(payer, status)",
                "CREATE INDEX IF NOT EXISTS channels_payee ON channels(payee, status)",
                "CREATE TABLE IF NOT EXISTS journal (seq BIGINT PRIMARY KEY, op_id BYTEA NOT NULL UNIQUE, kind TEXT NOT NULL,"
                        + " at BIGINT NOT NULL, body BYTEA NOT NULL, prev_hash BYTEA NOT NULL, hash BYTEA NOT NULL)",
                "CREATE TABLE IF NOT EXISTS history (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, address BYTEA NOT NULL,"
                        + " journal_seq BIGINT NOT NULL, at BIGINT NOT NULL, kind TEXT NOT NULL, counterparty BYTEA NOT NULL,"
                        + " delta BIGINT NOT NULL, memo TEXT NOT NULL, channel BYTEA)",
                "CREATE INDEX IF NOT EXISTS history_account ON history(address, id)");
    }

    @Override
    public void configure(Connection c, boolean writer) throws SQLException {
        c.setTransactionIsolation(writer ? Connection.TRANSACTION_READ_COMMITTED : Connection.TRANSACTION_REPEATABLE_READ);
        try (var st = c.createStatement()) {
            // a commit returns only once it is flushed to the server's WAL (the PostgreSQL default, stated so it stays so)
            st.execute("SET synchronous_commit = on");
        }
    }

    @Override
    public void beginWrite(Connection writer) throws SQLException {
        try (var st = writer.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            st.setLong(1, WRITE_LOCK_KEY);
            st.execute();
        }
    }
}
