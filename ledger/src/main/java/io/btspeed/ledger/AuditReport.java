package io.btspeed.ledger;

import java.util.List;

/** Result of {@link Ledger#audit()}: the invariant's terms and every problem found (empty when ok). */
public record AuditReport(long supply, long sumBalances, long sumOpenEscrow, long journalLength, List<String> problems) {
    public AuditReport {
        problems = List.copyOf(problems);
    }

    public boolean ok() {
        return problems.isEmpty() && sumBalances + sumOpenEscrow == supply;
    }
}
