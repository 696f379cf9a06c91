package io.btspeed.app.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.btspeed.app.Main;
import io.btspeed.ledger.crypto.Address;
import io.btspeed.ledger.crypto.KeystoreV3;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The ledger and wallet-ledger commands as a user runs them: init, send, balance, history, audit. */
@Timeout(120)
class LedgerCommandTest {
    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    private Address wallet(String name, Path pw) throws Exception {
        Path ks = dir.resolve(name + ".json");
        assertThat(run("wallet", "create", "--keystore", ks.toString(), "--password-file", pw.toString()).code()).isZero();
        return KeystoreV3.decrypt(Files.readString(ks), "pw".toCharArray()).address();
    }

    @Test
    void initSendBalanceHistoryAndAudit() throws Exception {
        Path pw = Files.writeString(dir.resolve("pw"), "pw\n");
        Address alice = wallet("alice", pw);
        Address bob = wallet("bob", pw);
        Path db = dir.resolve("ledger.db");
        Run init = run("ledger", "init", "--db", db.toString(), "--genesis", alice.toTron(), "--supply", "1000");
        assertThat(init.code()).as(init.err()).isZero();
        assertThat(init.out()).contains("supply 1000 BTT");

        Run send = run("wallet", "send", "--ledger", db.toString(), "--keystore", dir.resolve("alice.json").toString(),
                "--password-file", pw.toString(), "--to", bob.toEvm(), "--amount", "12.5", "--memo", "ab".repeat(20));
        assertThat(send.code()).as(send.err()).isZero();
        assertThat(send.out()).contains("sent 12.5 BTT").contains("balance: 987.5 BTT");

        Run bal = run("wallet", "balance", "--ledger", db.toString(), "--keystore", dir.resolve("bob.json").toString());
        assertThat(bal.code()).as(bal.err()).isZero();
        assertThat(bal.out()).contains("balance: 12.5 BTT");

        Run hist = run("wallet", "history", "--ledger", db.toString(), "--address", alice.toTron(), "--json");
        assertThat(hist.code()).as(hist.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(hist.out());
        assertThat(j.get("entries")).hasSize(2);
        assertThat(j.get("entries").get(0).get("delta").asLong()).isEqualTo(-12_500_000L);
        assertThat(j.get("byMemo").get("ab".repeat(20)).get("spent").asLong()).isEqualTo(12_500_000L);
        Run text = run("wallet", "history", "--ledger", db.toString(), "--address", bob.toTron());
        assertThat(text.out()).contains("TRANSFER_IN").contains("+12.5");

        Run audit = run("ledger", "audit", "--ledger", db.toString());
        assertThat(audit.code()).as(audit.out() + audit.err()).isZero();
        assertThat(audit.out()).contains("audit: ok").contains("supply:       1000 BTT");

        // tamper with the file: audit must fail with exit 1 and say what
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + db); var st = c.createStatement()) {
            st.execute("UPDATE accounts SET balance = balance + 1");
        }
        Run bad = run("ledger", "audit", "--ledger", db.toString());
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.out()).contains("PROBLEM").contains("audit: FAILED");
    }

    @Test
    void userErrorsAreOneLineAndNonZero() throws Exception {
        Path pw = Files.writeString(dir.resolve("pw"), "pw\n");
        Address alice = wallet("alice", pw);
        Path db = dir.resolve("ledger.db");
        assertThat(run("ledger", "init", "--db", db.toString(), "--genesis", alice.toTron(), "--supply", "10").code()).isZero();
        Run again = run("ledger", "init", "--db", db.toString(), "--genesis", alice.toTron());
        assertThat(again.code()).isNotZero();
        assertThat(again.err()).contains("already exists");
        Run missing = run("wallet", "balance", "--ledger", dir.resolve("nope.db").toString(), "--address", alice.toTron());
        assertThat(missing.code()).isNotZero();
        assertThat(missing.err()).contains("no ledger at");
        Run tooMuch = run("wallet", "send", "--ledger", db.toString(), "--keystore", dir.resolve("alice.json").toString(),
                "--password-file", pw.toString(), "--to", alice.toTron().substring(0, 5) + "x", "--amount", "1");
        assertThat(tooMuch.code()).isNotZero();
        assertThat(tooMuch.err()).contains("--to");
        Run over = run("wallet", "send", "--ledger", db.toString(), "--keystore", dir.resolve("alice.json").toString(),
                "--password-file", pw.toString(), "--to", "0x" + "11".repeat(20), "--amount", "11");
        assertThat(over.code()).isNotZero();
        assertThat(over.err()).contains("transfer rejected").contains("has 10000000");
        Run decimals = run("wallet", "send", "--ledger", db.toString(), "--keystore", dir.resolve("alice.json").toString(),
                "--password-file", pw.toString(), "--to", "0x" + "11".repeat(20), "--amount", "0.0000001");
        assertThat(decimals.code()).isNotZero();
        assertThat(decimals.err()).contains("6 decimals");
        for (Run r : new Run[] {again, missing, tooMuch, over, decimals}) {
            assertThat(r.err().strip().lines().count()).as(r.err()).isEqualTo(1);
        }
    }
}
