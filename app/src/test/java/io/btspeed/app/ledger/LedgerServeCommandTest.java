package io.btspeed.app.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.btspeed.app.Main;
import io.btspeed.ledger.crypto.Address;
import io.btspeed.ledger.crypto.KeystoreV3;
import io.btspeed.ledger.store.SqliteLedger;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code btspeed ledger serve} as a separate process, and the wallet and ledger commands pointed at
 * it with {@code --ledger http://…}; SIGTERM (what Ctrl-C amounts to) stops it cleanly.
 */
@Tag("e2e")
@Timeout(120)
class LedgerServeCommandTest {
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

    @Test
    void serveAndUseOverHttp() throws Exception {
        Path pw = Files.writeString(dir.resolve("pw"), "pw\n");
        assertThat(run("wallet", "create", "--keystore", dir.resolve("alice.json").toString(), "--password-file", pw.toString()).code())
                .isZero();
        Address alice = KeystoreV3.decrypt(Files.readString(dir.resolve("alice.json")), "pw".toCharArray()).address();
        Address bob = Address.ofPublicKey(io.btspeed.ledger.crypto.KeyPair.fromPrivateKey(java.math.BigInteger.TWO).publicKey());
        Path db = dir.resolve("ledger.db");
        Run init = run("ledger", "init", "--db", db.toString(), "--genesis", alice.toTron(), "--supply", "1000");
        assertThat(init.code()).as(init.err()).isZero();

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process server = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "ledger", "serve", "--db", db.toString(), "--port", "0")).redirectErrorStream(true).start();
        try {
            BufferedReader lines = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            String url = null;
            StringBuilder seen = new StringBuilder();
            Pattern p = Pattern.compile("listening on (http://127\\.0\\.0\\.1:\\d+)");
            for (String line; url == null && (line = lines.readLine()) != null; ) {
                seen.append(line).append('\n');
                Matcher m = p.matcher(line);
                if (m.find()) {
                    url = m.group(1);
                }
            }
            assertThat(url).as("server output:\n" + seen).isNotNull();

            Run send = run("wallet", "send", "--ledger", url, "--keystore", dir.resolve("alice.json").toString(),
                    "--password-file", pw.toString(), "--to", bob.toEvm(), "--amount", "12.5", "--memo", "via-server");
            assertThat(send.code()).as(send.err()).isZero();
            assertThat(send.out()).contains("sent 12.5 BTT");
            Run bal = run("wallet", "balance", "--ledger", url, "--address", bob.toTron());
            assertThat(bal.code()).as(bal.err()).isZero();
            assertThat(bal.out()).contains("balance: 12.5 BTT");
            Run audit = run("ledger", "audit", "--ledger", url);
            assertThat(audit.code()).as(audit.out() + audit.err()).isZero();
            assertThat(audit.out()).contains("audit: ok");

            server.destroy(); // SIGTERM: the shutdown hook finishes requests and closes the database
            assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            server.destroyForcibly();
            server.waitFor(10, TimeUnit.SECONDS);
        }
        try (SqliteLedger l = SqliteLedger.open(db, InstantSource.system())) {
            assertThat(l.balance(bob)).isEqualTo(12_500_000L);
            assertThat(l.audit().ok()).isTrue();
        }
        Run gone = run("wallet", "balance", "--ledger", "http://127.0.0.1:1", "--address", bob.toTron());
        assertThat(gone.code()).isNotZero();
        assertThat(gone.err()).contains("unreachable");
    }
}
