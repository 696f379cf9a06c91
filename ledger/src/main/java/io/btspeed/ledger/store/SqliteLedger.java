package io.btspeed.ledger.store;

import io.btspeed.ledger.LedgerException;
import io.btspeed.ledger.TokenInfo;
import io.btspeed.ledger.crypto.Address;
import io.btspeed.ledger.op.LedgerOp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.InstantSource;

/** The embedded ledger: one SQLite file (WAL, durable commits, group commit). */
public final class SqliteLedger extends JdbcLedger {
    private SqliteLedger(Path db, InstantSource clock, LedgerOp.Genesis genesis) {
        super(writer -> connect(db, writer), SqlDialect.SQLITE, clock, genesis);
    }

    /** Creates a new ledger file whose whole supply belongs to {@code genesis}. Fails if the file exists. */
    public static SqliteLedger create(Path db, TokenInfo token, Address genesis, InstantSource clock) {
        if (Files.exists(db)) {
            throw new LedgerException(LedgerException.Code.INVALID_REQUEST, db + " already exists; a ledger is created only once");
        }
        return new SqliteLedger(db, clock, new LedgerOp.Genesis(token, genesis));
    }

    /** Opens an existing ledger file. */
    public static SqliteLedger open(Path db, InstantSource clock) {
        if (!Files.isRegularFile(db)) {
            throw new LedgerException(LedgerException.Code.INVALID_REQUEST, "no ledger at " + db + "; create one with 'btspeed ledger init'");
        }
        return new SqliteLedger(db, clock, null);
    }

    private static Connection connect(Path db, boolean writer) {
        try {
            // IMMEDIATE for the writer: a write transaction takes the database's write lock when it begins, so several
            // processes sharing one ledger file serialise their batches instead of failing at commit
            org.sqlite.SQLiteConfig cfg = new org.sqlite.SQLiteConfig();
            cfg.setTransactionMode(writer ? org.sqlite.SQLiteConfig.TransactionMode.IMMEDIATE
                    : org.sqlite.SQLiteConfig.TransactionMode.DEFERRED);
            cfg.setBusyTimeout(30_000);
            return DriverManager.getConnection("jdbc:sqlite:" + db.toAbsolutePath(), cfg.toProperties());
        } catch (SQLException e) {
            throw new LedgerException(LedgerException.Code.UNAVAILABLE, "cannot open " + db + ": " + e.getMessage(), e);
        }
    }
}
