package io.btspeed.ledger.contract;

import io.btspeed.ledger.Ledger;
import io.btspeed.ledger.TokenInfo;
import io.btspeed.ledger.crypto.Address;
import io.btspeed.ledger.store.PostgresLedger;
import io.btspeed.ledger.store.PostgresServer;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

/** The contract on a real PostgreSQL server started for this class; a fresh database per test. */
@Tag("interop")
class PostgresContractTest extends LedgerContractTest {
    static PostgresServer pg;
    static final AtomicInteger DATABASES = new AtomicInteger();

    @BeforeAll
    static void startPostgres() throws Exception {
        pg = PostgresServer.start();
    }

    @AfterAll
    static void stopPostgres() {
        if (pg != null) {
            pg.close();
        }
    }

    @Override
    protected Ledger newLedger(TokenInfo token, Address genesis, TestClock clock) throws Exception {
        String db = pg.createDatabase("contract_" + DATABASES.incrementAndGet());
        return PostgresLedger.create(pg.url(db), token, genesis, clock);
    }
}
