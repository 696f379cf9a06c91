package io.btspeed.ledger.store;

import io.btspeed.ledger.LedgerException;
import io.btspeed.ledger.LedgerSpec;
import io.btspeed.ledger.TokenInfo;
import io.btspeed.ledger.crypto.Address;
import io.btspeed.ledger.op.LedgerOp;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.InstantSource;
import java.util.Properties;

/**
 * The ledger in a PostgreSQL database, for server mode: the same rules, journal and group commit
 * as the embedded store ({@link JdbcLedger}), with the {@link PostgresDialect}. Several ledger
 * servers may share one database.
 */
public final class PostgresLedger extends JdbcLedger {
    private PostgresLedger(LedgerSpec.Postgres db, InstantSource clock, LedgerOp.Genesis genesis) {
        super(writer -> connect(db), PostgresDialect.INSTANCE, clock, genesis);
    }

    /** Creates the ledger in an empty database (tables are created); fails if the database already holds one. */
    public static PostgresLedger create(LedgerSpec.Postgres db, TokenInfo token, Address genesis, InstantSource clock) {
        return new PostgresLedger(db, clock, new LedgerOp.Genesis(token, genesis));
    }

    /** Opens the ledger already in the database. */
    public static PostgresLedger open(LedgerSpec.Postgres db, InstantSource clock) {
        return new PostgresLedger(db, clock, null);
    }

    /** {@code postgresql://[user[:password]@]host[:port]/database} */
    public static PostgresLedger create(String url, TokenInfo token, Address genesis, InstantSource clock) {
        return create(spec(url), token, genesis, clock);
    }

    public static PostgresLedger open(String url, InstantSource clock) {
        return open(spec(url), clock);
    }

    private static LedgerSpec.Postgres spec(String url) {
        if (LedgerSpec.parse(url) instanceof LedgerSpec.Postgres pg) {
            return pg;
        }
        throw new IllegalArgumentException("not a postgresql:// location: " + url);
    }

    private static Connection connect(LedgerSpec.Postgres db) {
        Properties props = new Properties();
        props.putAll(db.properties());
        props.setProperty("connectTimeout", props.getProperty("connectTimeout", "10"));
        props.setProperty("ApplicationName", "btspeed-ledger");
        try {
            return DriverManager.getConnection(db.jdbcUrl(), props);
        } catch (SQLException e) {
            throw new LedgerException(LedgerException.Code.UNAVAILABLE, "cannot connect to " + db.display() + ": " + e.getMessage(), e);
        }
    }
}
