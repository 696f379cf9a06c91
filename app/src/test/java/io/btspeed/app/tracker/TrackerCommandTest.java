package io.btspeed.app.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import io.btspeed.app.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TrackerCommandTest {
    @TempDir
    Path tmp;

    @Test
    void printsItsUrlsServesAnnouncesAndReportsThemInTheStatsLine() throws Exception {
        Path allow = Files.writeString(tmp.resolve("allow.txt"), "# one torrent\n" + "61".repeat(20) + " test\n");
        TrackerCommand cmd = new TrackerCommand();
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        int[] rc = {-1};
        Thread t = Thread.ofVirtual().start(() -> rc[0] = new CommandLine(cmd)
                .execute("--http-port", "0", "--udp-port", "0", "--bind", "127.0.0.1", "--allow-list", allow.toString(),
                        "--interval", "60", "--stats-interval", "1"));
        try {
            Matcher url = await(captured, "(http://127\\.0\\.0\\.1:\\d+/announce)");
            await(captured, "udp://127\\.0\\.0\\.1:\\d+/announce");
            assertThat(captured.toString(StandardCharsets.UTF_8)).contains("tracking 1 allowed info-hashes; interval 60 s");
            try (HttpClient http = HttpClient.newHttpClient()) {
                String q = "?info_hash=" + "a".repeat(20) + "&peer_id=" + "b".repeat(20) + "&port=7000&left=0&event=started";
                String body = http.send(HttpRequest.newBuilder(URI.create(url.group(1) + q)).build(),
                        HttpResponse.BodyHandlers.ofString(StandardCharsets.ISO_8859_1)).body();
                assertThat(body).startsWith("d8:completei1e");
                String refused = http.send(HttpRequest.newBuilder(URI.create(url.group(1) + q.replace("a".repeat(20), "c".repeat(20)))).build(),
                        HttpResponse.BodyHandlers.ofString(StandardCharsets.ISO_8859_1)).body();
                assertThat(refused).contains("failure reason").contains("not tracked");
            }
            await(captured, "stats: torrents=1 peers=1 seeders=1 leechers=0 completed=0 announces=2 .* rejected=1");
        } finally {
            cmd.stop();
            t.join(10_000);
            System.setOut(old);
        }
        assertThat(rc[0]).isZero();
    }

    private static Matcher await(ByteArrayOutputStream out, String regex) throws InterruptedException {
        Pattern p = Pattern.compile(regex);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = p.matcher(out.toString(StandardCharsets.UTF_8));
            if (m.find()) return m;
            Thread.sleep(50);
        }
        throw new AssertionError("no /" + regex + "/ in:\n" + out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void userErrorsExitNonZero() {
        assertThat(Main.run("tracker", "--allow-list", tmp.resolve("missing.txt").toString(), "--http-port", "0", "--udp-port", "0"))
                .isEqualTo(2);
        assertThat(Main.run("tracker", "--http-port", "-1", "--udp-port", "-1")).isEqualTo(2);
        assertThat(Main.run("tracker", "--bind", "example.com", "--http-port", "0", "--udp-port", "0")).isEqualTo(2);
        assertThat(Main.run("tracker", "--interval", "0", "--http-port", "0", "--udp-port", "0")).isEqualTo(2);
    }
}
