package io.btspeed.ledger.contract;

import io.btspeed.ledger.Ledger;
import io.btspeed.ledger.TokenInfo;
import io.btspeed.ledger.client.HttpLedger;
import io.btspeed.ledger.crypto.Address;
import io.btspeed.ledger.server.LedgerServer;
import java.net.URI;
import java.time.Duration;

/**
 * The contract through the HTTP transport over the SQLite store: every call crosses the JSON codec, the server and the
 * client, and must behave exactly like the store behind them.
 */
class HttpLedgerContractTest extends LedgerContractTest {
    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path dir;
    private Ledger store;
    private LedgerServer server;

    @Override
    protected Ledger newLedger(TokenInfo token, Address genesis, TestClock clock) throws Exception {
        store = io.btspeed.ledger.store.SqliteLedger.create(dir.resolve("ledger.db"), token, genesis, clock);
        server = LedgerServer.startLoopback(store);
        return new HttpLedger(URI.create(server.url()), Duration.ofSeconds(10));
    }

    @Override
    protected void cleanUp() {
        server.close();
        store.close();
    }
}
