package io.btspeed.ledger;

import io.btspeed.ledger.store.SqliteLedger;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Locale;

/** Opens the ledger a user names with {@code --ledger}: one place for every form of that name. */
public final class Ledgers {
    private Ledgers() {}

    /**
     * @param spec a SQLite file path (or {@code sqlite:PATH}); {@code http://} ledger servers and
     *             {@code postgresql://} databases are reserved for server mode
     */
    public static Ledger open(String spec, InstantSource clock) {
        if (spec == null || spec.isBlank()) throw new LedgerException(LedgerException.Code.INVALID_REQUEST, "no ledger given");
        String lower = spec.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://") || lower.startsWith("postgresql://")) {
            throw new LedgerException(LedgerException.Code.UNAVAILABLE,
                    "ledger servers (" + spec + ") are not supported by this build yet; use a ledger file");
        }
        String path = lower.startsWith("sqlite:") ? spec.substring("sqlite:".length()) : spec;
        return SqliteLedger.open(Path.of(path), clock);
    }
}
