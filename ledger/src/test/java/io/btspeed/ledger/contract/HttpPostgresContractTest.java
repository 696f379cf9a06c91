package io.btspeed.ledger.contract;

import io.btspeed.ledger.Ledger;
import io.btspeed.ledger.TokenInfo;
import io.btspeed.ledger.client.HttpLedger;
import io.btspeed.ledger.crypto.Address;
import io.btspeed.ledger.server.LedgerServer;
import io.btspeed.ledger.store.PostgresLedger;
import io.btspeed.ledger.store.PostgresServer;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

/**
 * The contract through HTTP with PostgreSQL behind the server. Two ledger servers share the one
 * database and the client's calls alternate between them, so the concurrency run also proves that
 * separate servers (separate writers) on one database lose no update.
 */
@Tag("interop")
class HttpPostgresContractTest extends LedgerContractTest {
    static PostgresServer pg;
    static final AtomicInteger DATABASES = new AtomicInteger();
    private Ledger storeA;
    private Ledger storeB;
    private LedgerServer serverA;
    private LedgerServer serverB;

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
        String db = pg.createDatabase("http_" + DATABASES.incrementAndGet());
        storeA = PostgresLedger.create(pg.url(db), token, genesis, clock);
        storeB = PostgresLedger.open(pg.url(db), clock);
        serverA = LedgerServer.startLoopback(storeA);
        serverB = LedgerServer.startLoopback(storeB);
        return new AlternatingLedger(new HttpLedger(URI.create(serverA.url()), Duration.ofSeconds(20)),
                new HttpLedger(URI.create(serverB.url()), Duration.ofSeconds(20)));
    }

    @Override
    protected void cleanUp() {
        serverA.close();
        serverB.close();
        storeA.close();
        storeB.close();
    }
}
