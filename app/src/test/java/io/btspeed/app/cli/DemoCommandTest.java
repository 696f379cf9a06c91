package io.btspeed.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.btspeed.app.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code btspeed demo}, the README's first command, end to end in this JVM: plain, and with the market. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DemoCommandTest {
    @TempDir
    Path tmp;

    private record Result(int exit, String out) {}

    private static synchronized Result cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            return new Result(Main.run(args), out.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(old);
        }
    }

    @Test
    void theDemoDownloadsIdenticalBytes() {
        Result r = cli("demo", "--size", "3M", "--work-dir", tmp.resolve("plain").toString());
        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(r.out()).contains("bytes identical: yes");
    }

    @Test
    void theMarketDemoPaysTheSeederExactlyWhatTheDownloaderSpentAndTheLedgerAudits() {
        // 12 MiB at 4 MiB/s: the downloader bids at the seeder's handshake and pays per verified piece for ~3 s
        Result r = cli("demo", "--market", "--size", "12M", "--rate", "4M", "--work-dir", tmp.resolve("market").toString());
        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(r.out()).contains("bytes identical: yes").contains("ledger audit: ok").doesNotContain("MISMATCH");
        Matcher m = Pattern.compile("the downloader paid ([0-9.]+) BTT, the seeder earned ([0-9.]+) BTT; on the ledger the seeder"
                + " holds ([0-9.]+) BTT and the downloader is down ([0-9.]+) BTT").matcher(r.out());
        assertThat(m.find()).as(r.out()).isTrue();
        BigDecimal paid = new BigDecimal(m.group(1));
        assertThat(paid).isPositive();
        assertThat(new BigDecimal(m.group(2))).isEqualByComparingTo(paid);
        assertThat(new BigDecimal(m.group(3))).isEqualByComparingTo(paid);
        assertThat(new BigDecimal(m.group(4))).isEqualByComparingTo(paid);
        assertThat(paid).isLessThanOrEqualTo(new BigDecimal(DemoMarket.BUDGET));
    }
}
