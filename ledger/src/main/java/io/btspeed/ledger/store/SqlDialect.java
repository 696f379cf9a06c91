package io.btspeed.ledger.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/** The few things that differ between the SQL databases the ledger runs on. */
public interface SqlDialect {
    /** Statements creating the schema (idempotent: IF NOT EXISTS). */
    List<String> schema();

    /** Per-connection settings (journal mode, durability) applied right after connecting. */
    void configure(Connection c, boolean writer) throws SQLException;

    /**
     * Called first in every write transaction, before the journal head is read: takes whatever lock
     * makes writers from several processes take turns. SQLite needs nothing here (its writer
     * connection begins IMMEDIATE transactions, which take the file's write lock).
     */
    default void beginWrite(Connection writer) throws SQLException {
    }

    /** SQLite: one file, WAL for concurrent readers, synchronous=FULL so a commit survives power loss. */
    SqlDialect SQLITE = new SqlDialect() {
        @Override
        public List<String> schema() {
            return List.of(
                    "CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL)",
                    "CREATE TABLE IF NOT EXISTS accounts (address BLOB PRIMARY KEY, balance INTEGER NOT NULL, nonce INTEGER NOT NULL)",
                    "CREATE TABLE IF NOT EXISTS channels (id BLOB PRIMARY KEY, payer BLOB NOT NULL, payer_key BLOB NOT NULL,"
                            + " payee BLOB NOT NULL, escrow INTEGER NOT NULL, expires_at INTEGER NOT NULL, status TEXT NOT NULL,"
                            + " paid INTEGER NOT NULL, closing_seq INTEGER NOT NULL, memo TEXT NOT NULL)",
                    "CREATE INDEX IF NOT EXISTS channels_payer ON channels(payer, status)",
                    "CREATE INDEX IF NOT EXISTS channels_payee ON channels(payee, status)",
                    "CREATE TABLE IF NOT EXISTS journal (seq INTEGER PRIMARY KEY, op_id BLOB NOT NULL UNIQUE, kind TEXT NOT NULL,"
                            + " at INTEGER NOT NULL, body BLOB NOT NULL, prev_hash BLOB NOT NULL, hash BLOB NOT NULL)",
                    "CREATE TABLE IF NOT EXISTS history (id INTEGER PRIMARY KEY AUTOINCREMENT, address BLOB NOT NULL,"
                            + " journal_seq INTEGER NOT NULL, at INTEGER NOT NULL, kind TEXT NOT NULL, counterparty BLOB NOT NULL,"
                            + " delta INTEGER NOT NULL, memo TEXT NOT NULL, channel BLOB)",
                    "CREATE INDEX IF NOT EXISTS history_account ON history(address, id)");
        }

        @Override
        public void configure(Connection c, boolean writer) throws SQLException {
            try (var st = c.createStatement()) {
                st.execute("PRAGMA busy_timeout=30000"); // first: another process may hold the lock briefly
                st.execute("PRAGMA journal_mode=WAL");
                st.execute("PRAGMA synchronous=FULL");
                st.execute("PRAGMA foreign_keys=ON");
            }
        }
    };
}
