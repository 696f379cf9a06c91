package io.btspeed.ledger.contract;

import io.btspeed.ledger.Ledger;
import io.btspeed.ledger.TokenInfo;
import io.btspeed.ledger.crypto.Address;
import io.btspeed.ledger.store.SqliteLedger;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The contract on the embedded store, the reference every other backend is held to. */
class SqliteContractTest extends LedgerContractTest {
    @TempDir
    Path dir;

    @Override
    protected Ledger newLedger(TokenInfo token, Address genesis, TestClock clock) {
        return SqliteLedger.create(dir.resolve("ledger.db"), token, genesis, clock);
    }
}
