package io.btspeed.app.ledger;

import io.btspeed.app.UserException;
import io.btspeed.ledger.Amounts;
import io.btspeed.ledger.AuditReport;
import io.btspeed.ledger.Ledger;
import io.btspeed.ledger.LedgerException;
import io.btspeed.ledger.Ledgers;
import io.btspeed.ledger.TokenInfo;
import io.btspeed.ledger.crypto.Address;
import io.btspeed.ledger.LedgerSpec;
import java.io.PrintWriter;
import java.time.InstantSource;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code btspeed ledger}: create and check a token ledger. */
@Command(name = "ledger", description = "Create and audit a token ledger.",
        subcommands = {LedgerCommand.Init.class, LedgerCommand.Audit.class, LedgerServeCommand.class})
public final class LedgerCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Opens the ledger named by --ledger; failures become one line the user can act on. */
    public static Ledger open(String spec) {
        try {
            return Ledgers.open(spec, InstantSource.system());
        } catch (LedgerException e) {
            throw new UserException(e.getMessage());
        }
    }

    @Command(name = "init", description = "Create a new ledger file; the whole supply goes to the genesis address.")
    static final class Init implements Runnable {
        @Spec
        CommandSpec spec;
        @Option(names = "--db", required = true, paramLabel = "FILE|postgresql://…",
                description = "SQLite file to create (must not exist), or an empty PostgreSQL database.")
        String db;
        @Option(names = "--genesis", required = true, description = "Address (TRON or 0x EVM form) that receives the supply.")
        String genesis;
        @Option(names = "--symbol", defaultValue = "BTT", description = "Token symbol (default ${DEFAULT-VALUE}).")
        String symbol;
        @Option(names = "--decimals", defaultValue = "6", description = "Decimals for display (default ${DEFAULT-VALUE}).")
        int decimals;
        @Option(names = "--supply", defaultValue = "990000000000", description = "Total supply in whole tokens (default ${DEFAULT-VALUE}).")
        String supply;

        @Override
        public void run() {
            Address holder;
            try {
                holder = Address.parse(genesis);
            } catch (RuntimeException e) {
                throw new UserException("--genesis: " + e.getMessage());
            }
            TokenInfo token;
            try {
                TokenInfo probe = new TokenInfo(symbol, decimals, 1);
                token = new TokenInfo(symbol, decimals, Amounts.parse(supply, probe));
            } catch (IllegalArgumentException e) {
                throw new UserException("bad token settings: " + e.getMessage());
            }
            try (Ledger l = Ledgers.create(db, token, holder, InstantSource.system())) {
                PrintWriter out = spec.commandLine().getOut();
                out.println("created ledger " + (LedgerSpec.parse(db) instanceof LedgerSpec.SqliteFile f
                        ? f.path().toAbsolutePath() : LedgerSpec.parse(db)));
                out.println("token:   " + token.symbol() + ", " + token.decimals() + " decimals, supply " + Amounts.display(token.supply(), token));
                out.println("genesis: " + holder.toTron() + " (" + holder.toEvm() + ")");
                out.flush();
            } catch (LedgerException e) {
                throw new UserException(e.getMessage());
            }
        }
    }

    @Command(name = "audit", description = "Check the supply invariant and replay the hash-chained journal; exit 1 on any problem.")
    static final class Audit implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--ledger", required = true, description = "Ledger file, postgresql://… database or http://host:port server.")
        String ledger;

        @Override
        public Integer call() {
            try (Ledger l = open(ledger)) {
                AuditReport r = l.audit();
                TokenInfo t = l.token();
                PrintWriter out = spec.commandLine().getOut();
                out.println("journal:      " + r.journalLength() + " records");
                out.println("balances:     " + Amounts.display(r.sumBalances(), t));
                out.println("open escrow:  " + Amounts.display(r.sumOpenEscrow(), t));
                out.println("supply:       " + Amounts.display(r.supply(), t));
                for (String p : r.problems()) out.println("PROBLEM: " + p);
                out.println(r.ok() ? "audit: ok" : "audit: FAILED (" + r.problems().size() + " problems)");
                out.flush();
                return r.ok() ? 0 : 1;
            } catch (LedgerException e) {
                throw new UserException(e.getMessage());
            }
        }
    }
}
