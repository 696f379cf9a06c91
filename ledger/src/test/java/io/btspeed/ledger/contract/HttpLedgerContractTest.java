package io.btspeed.ledger.contract;

import io.btspeed.ledger.Ledger;
import io.btspeed.ledger.TokenInfo;
import io.btspeed.ledger.client.HttpLedger;
import io.btspeed.ledger.crypto.Address;
import io.btspeed.ledger.server.LedgerServer;
import java.net.URI;
import java.time.Duration;

/**
 * The contract through the HTTP transport: every call crosses the JSON codec, the server and the
 * client, and must behave exactly like the store behind them.
 */
class HttpLedgerContractTest extends LedgerContractTest {
    private Ledger store;
    private LedgerServer server;

    @Override
    protected Ledger newLedger(TokenInfo token, Address genesis, TestClock clock) throws Exception {
        store = new InMemoryLedger(token, genesis, clock);
        server = LedgerServer.startLoopback(store);
        return new HttpLedger(URI.create(server.url()), Duration.ofSeconds(10));
    }

    @Override
    protected void cleanUp() {
        server.close();
        store.close();
    }
}
