package io.btspeed.app.wallet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.btspeed.app.UserException;
import io.btspeed.app.ledger.LedgerCommand;
import io.btspeed.ledger.Amounts;
import io.btspeed.ledger.HistoryEntry;
import io.btspeed.ledger.Ledger;
import io.btspeed.ledger.LedgerException;
import io.btspeed.ledger.Receipt;
import io.btspeed.ledger.TokenInfo;
import io.btspeed.ledger.crypto.Address;
import io.btspeed.ledger.crypto.KeyPair;
import io.btspeed.ledger.op.Transfer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Wallet commands that talk to a ledger: balance, history, send. */
final class LedgerWallet {
    private LedgerWallet() {}

    /** Whose account: an address given directly, or the one in a keystore (read without the password). */
    static final class Who {
        @Option(names = "--keystore", description = "Keystore file whose address to use.")
        Path keystore;
        @Option(names = "--address", description = "Address (TRON or 0x EVM form).")
        String address;

        Address resolve() {
            if (address != null) {
                try {
                    return Address.parse(address);
                } catch (RuntimeException e) {
                    throw new UserException("--address: " + e.getMessage());
                }
            }
            try {
                var node = new ObjectMapper().readTree(Files.readString(keystore, StandardCharsets.UTF_8));
                var a = node.get("address");
                if (a == null || !a.isTextual()) throw new UserException(keystore + " has no address field; use --address");
                return Address.parse("0x" + a.asText().replaceFirst("^0x", ""));
            } catch (IOException e) {
                throw new UserException("cannot read keystore " + keystore + ": " + e.getMessage());
            } catch (RuntimeException e) {
                if (e instanceof UserException u) throw u;
                throw new UserException(keystore + ": not a keystore (" + e.getMessage() + ")");
            }
        }
    }

    @Command(name = "balance", description = "Show the account's balance and open channels on a ledger.")
    static final class Balance implements Runnable {
        @Spec
        CommandSpec spec;
        @Option(names = "--ledger", required = true, description = "Ledger file, postgresql://… database or http://host:port server.")
        String ledger;
        @ArgGroup(multiplicity = "1")
        Who who;

        @Override
        public void run() {
            Address a = who.resolve();
            try (Ledger l = LedgerCommand.open(ledger)) {
                TokenInfo t = l.token();
                PrintWriter out = spec.commandLine().getOut();
                out.println("address: " + a.toTron() + " (" + a.toEvm() + ")");
                out.println("balance: " + Amounts.display(l.balance(a), t));
                long locked = 0;
                for (var ch : l.openChannels(a)) if (ch.payer().equals(a)) locked += ch.escrow();
                if (locked > 0) out.println("in open channels: " + Amounts.display(locked, t));
                out.flush();
            } catch (LedgerException e) {
                throw new UserException(e.getMessage());
            }
        }
    }

    @Command(name = "history", description = "List the account's movements, with spent and earned per memo (e.g. per torrent).")
    static final class History implements Runnable {
        @Spec
        CommandSpec spec;
        @Option(names = "--ledger", required = true, description = "Ledger file, postgresql://… database or http://host:port server.")
        String ledger;
        @ArgGroup(multiplicity = "1")
        Who who;
        @Option(names = "--limit", defaultValue = "100", description = "Most recent entries to show (default ${DEFAULT-VALUE}).")
        int limit;
        @Option(names = "--json", description = "Machine-readable output.")
        boolean json;

        @Override
        public void run() {
            Address a = who.resolve();
            try (Ledger l = LedgerCommand.open(ledger)) {
                TokenInfo t = l.token();
                List<HistoryEntry> h = l.history(a, Math.max(1, limit));
                // spent = tokens that left for good (transfers out, channel payouts to others are the
                // escrow locked minus what came back); earned = tokens received
                Map<String, long[]> perMemo = new TreeMap<>();
                for (HistoryEntry e : h) {
                    long[] se = perMemo.computeIfAbsent(e.memo(), k -> new long[2]);
                    if (e.delta() < 0) se[0] -= e.delta();
                    else if (e.kind() == HistoryEntry.Kind.CHANNEL_RETURN) se[0] -= e.delta();
                    else se[1] += e.delta();
                }
                PrintWriter out = spec.commandLine().getOut();
                if (json) {
                    ObjectMapper m = new ObjectMapper();
                    ObjectNode root = m.createObjectNode();
                    root.put("address", a.toEvm());
                    root.put("symbol", t.symbol());
                    root.put("decimals", t.decimals());
                    ArrayNode entries = root.putArray("entries");
                    for (HistoryEntry e : h) {
                        ObjectNode n = entries.addObject();
                        n.put("journalSeq", e.journalSeq());
                        n.put("at", java.time.Instant.ofEpochMilli(e.atMillis()).toString());
                        n.put("kind", e.kind().name());
                        n.put("counterparty", e.counterparty().toEvm());
                        n.put("delta", e.delta());
                        n.put("memo", e.memo());
                        if (e.channel() != null) n.put("channel", e.channel().hex());
                    }
                    ObjectNode totals = root.putObject("byMemo");
                    perMemo.forEach((memo, se) -> {
                        ObjectNode n = totals.putObject(memo);
                        n.put("spent", se[0]);
                        n.put("earned", se[1]);
                    });
                    try {
                        out.println(m.writerWithDefaultPrettyPrinter().writeValueAsString(root));
                    } catch (IOException e) {
                        throw new UserException("cannot write JSON: " + e.getMessage());
                    }
                } else {
                    for (HistoryEntry e : h) {
                        out.printf("%s  %-15s %18s  %s%s%n", java.time.Instant.ofEpochMilli(e.atMillis()), e.kind(),
                                (e.delta() > 0 ? "+" : "") + Amounts.format(e.delta(), t), e.counterparty().toTron(),
                                e.memo().isEmpty() ? "" : "  memo=" + e.memo());
                    }
                    if (h.isEmpty()) out.println("no movements");
                    out.println();
                    out.println("per memo (spent / earned):");
                    perMemo.forEach((memo, se) -> out.printf("  %-42s %s / %s%n", memo.isEmpty() ? "(none)" : memo,
                            Amounts.display(se[0], t), Amounts.display(se[1], t)));
                }
                out.flush();
            } catch (LedgerException e) {
                throw new UserException(e.getMessage());
            }
        }
    }

    @Command(name = "send", description = "Sign a transfer with the wallet key and submit it to the ledger.")
    static final class Send implements Runnable {
        @Spec
        CommandSpec spec;
        @Option(names = "--ledger", required = true, description = "Ledger file, postgresql://… database or http://host:port server.")
        String ledger;
        @Option(names = "--keystore", required = true, description = "Keystore file of the sender.")
        Path keystore;
        @Option(names = "--password-file", description = "File whose first line is the password (else prompt).")
        Path passwordFile;
        @Option(names = "--to", required = true, description = "Recipient address (TRON or 0x EVM form).")
        String to;
        @Option(names = "--amount", required = true, description = "Amount in tokens, e.g. 12.5.")
        String amount;
        @Option(names = "--memo", defaultValue = "", description = "Note stored with the transfer (e.g. a torrent's info-hash).")
        String memo;

        @Override
        public void run() {
            Address recipient;
            try {
                recipient = Address.parse(to);
            } catch (RuntimeException e) {
                throw new UserException("--to: " + e.getMessage());
            }
            try (Ledger l = LedgerCommand.open(ledger)) {
                TokenInfo t = l.token();
                long units;
                try {
                    units = Amounts.parse(amount, t);
                    if (units <= 0) throw new IllegalArgumentException("amount must be more than zero");
                } catch (IllegalArgumentException e) {
                    throw new UserException("--amount: " + e.getMessage());
                }
                KeyPair k = WalletCommand.load(keystore, passwordFile);
                Transfer.Signed signed;
                try {
                    signed = new Transfer(k.address(), recipient, units, l.nextNonce(k.address()), memo).sign(k);
                } catch (IllegalArgumentException e) {
                    throw new UserException(e.getMessage());
                }
                Receipt r = l.transfer(signed);
                PrintWriter out = spec.commandLine().getOut();
                out.println("sent " + Amounts.display(units, t) + " to " + recipient.toTron() + " (journal #" + r.journalSeq() + ")");
                out.println("balance: " + Amounts.display(l.balance(k.address()), t));
                out.flush();
            } catch (LedgerException e) {
                throw new UserException("transfer rejected: " + e.getMessage());
            }
        }
    }
}
