package io.btspeed.app.wallet;

import static org.assertj.core.api.Assertions.assertThat;

import io.btspeed.app.Main;
import io.btspeed.ledger.crypto.Address;
import io.btspeed.ledger.crypto.KeystoreV3;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class WalletCommandTest {
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
    void createThenAddressShowsTheSameKeyAndTheFileDecrypts() throws Exception {
        Path ks = dir.resolve("key.json");
        Path pw = Files.writeString(dir.resolve("pw"), "s3cret\n");
        Run created = run("wallet", "create", "--keystore", ks.toString(), "--password-file", pw.toString());
        assertThat(created.code()).as(created.err()).isZero();
        Run shown = run("wallet", "address", "--keystore", ks.toString(), "--password-file", pw.toString());
        assertThat(shown.code()).as(shown.err()).isZero();
        assertThat(shown.out()).isEqualTo(created.out());
        Address a = KeystoreV3.decrypt(Files.readString(ks), "s3cret".toCharArray()).address();
        assertThat(shown.out()).contains(a.toTron()).contains(a.toEvm());
        assertThat(Files.getPosixFilePermissions(ks).toString()).isEqualTo("[OWNER_READ, OWNER_WRITE]");
    }

    @Test
    void refusesToOverwriteAndReportsWrongPassword() throws Exception {
        Path ks = dir.resolve("key.json");
        Path pw = Files.writeString(dir.resolve("pw"), "right");
        assertThat(run("wallet", "create", "--keystore", ks.toString(), "--password-file", pw.toString()).code()).isZero();
        String before = Files.readString(ks);
        Run again = run("wallet", "create", "--keystore", ks.toString(), "--password-file", pw.toString());
        assertThat(again.code()).isNotZero();
        assertThat(again.err()).contains("refusing to overwrite");
        assertThat(Files.readString(ks)).isEqualTo(before);
        Path bad = Files.writeString(dir.resolve("bad"), "wrong");
        Run wrong = run("wallet", "address", "--keystore", ks.toString(), "--password-file", bad.toString());
        assertThat(wrong.code()).isNotZero();
        assertThat(wrong.err()).contains("MAC mismatch");
    }
}
