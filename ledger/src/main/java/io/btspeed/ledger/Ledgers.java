package io.btspeed.ledger;

import io.btspeed.ledger.client.HttpLedger;
import io.btspeed.ledger.crypto.Address;
import io.btspeed.ledger.store.PostgresLedger;
import io.btspeed.ledger.store.SqliteLedger;
import java.time.InstantSource;

/** Opens the ledger a user names with {@code --ledger} or {@code --db}: one place for every form of that name. */
public final class Ledgers {
    private Ledgers() {}

    /**
     * @param spec a SQLite file path (or {@code sqlite:PATH}), a {@code postgresql://} database or an
     *             {@code http://host:port} ledger server (see {@link LedgerSpec})
     */
    public static Ledger open(String spec, InstantSource clock) {
        return switch (parse(spec)) {
            case LedgerSpec.SqliteFile f -> SqliteLedger.open(f.path(), clock);
            case LedgerSpec.Postgres pg -> PostgresLedger.open(pg, clock);
            case LedgerSpec.Server s -> new HttpLedger(s.base());
        };
    }

    /** Creates a new ledger in a file or an empty PostgreSQL database; a server cannot be created remotely. */
    public static Ledger create(String spec, TokenInfo token, Address genesis, InstantSource clock) {
        return switch (parse(spec)) {
            case LedgerSpec.SqliteFile f -> SqliteLedger.create(f.path(), token, genesis, clock);
            case LedgerSpec.Postgres pg -> PostgresLedger.create(pg, token, genesis, clock);
            case LedgerSpec.Server s -> throw new LedgerException(LedgerException.Code.INVALID_REQUEST,
                    "a ledger is created in a database (file or postgresql://), not on a server: " + s.base());
        };
    }

    private static LedgerSpec parse(String spec) {
        try {
            return LedgerSpec.parse(spec);
        } catch (IllegalArgumentException e) {
            throw new LedgerException(LedgerException.Code.INVALID_REQUEST, e.getMessage());
        }
    }
}
