package io.btspeed.interop.harness;

import io.btspeed.protocol.bencode.BDict;
import io.btspeed.protocol.bencode.Bencode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** btspeed's own tracker (the CLI, in its own JVM) on 127.0.0.1 with OS-chosen ports, read back from its output. */
public final class BtspeedTracker {
    public final String httpAnnounce;
    public final String udpAnnounce;
    public final Proc proc;

    private BtspeedTracker(String http, String udp, Proc proc) {
        this.httpAnnounce = http;
        this.udpAnnounce = udp;
        this.proc = proc;
    }

    /** @param allowHex info-hashes to allow (empty = track any) */
    public static BtspeedTracker start(Peers peers, List<String> allowHex, int intervalSeconds) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("tracker", "--http-port", "0", "--udp-port", "0", "--bind", "127.0.0.1",
                "--interval", String.valueOf(intervalSeconds), "--min-interval", "1", "--stats-interval", "2"));
        if (!allowHex.isEmpty()) {
            Path list = peers.work().resolve("allow-list.txt");
            Files.write(list, allowHex);
            args.addAll(List.of("--allow-list", list.toString()));
        }
        Proc p = peers.btspeed("btspeed-tracker", args.toArray(String[]::new));
        String http = p.awaitLine("^(http://127\\.0\\.0\\.1:\\d+/announce)$", Duration.ofSeconds(30)).group(1);
        String udp = p.awaitLine("^(udp://127\\.0\\.0\\.1:\\d+/announce)$", Duration.ofSeconds(5)).group(1);
        return new BtspeedTracker(http, udp, p);
    }

    /** BEP 48 counts of one torrent: complete (seeders), downloaded (completed events), incomplete (leechers). */
    public record Counts(long complete, long downloaded, long incomplete) {}

    public Counts scrape(String infoHashHex) throws IOException, InterruptedException {
        byte[] raw = HexFormat.of().parseHex(infoHashHex);
        StringBuilder q = new StringBuilder();
        for (byte b : raw) q.append('%').append(String.format("%02X", b & 0xff));
        String url = httpAnnounce.replace("/announce", "/scrape") + "?info_hash=" + q;
        try (HttpClient c = HttpClient.newHttpClient()) {
            byte[] body = c.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofByteArray()).body();
            BDict files = ((BDict) Bencode.decode(body)).dict("files");
            String key = new String(raw, StandardCharsets.ISO_8859_1);
            if (!files.has(key)) return new Counts(0, 0, 0);
            BDict d = files.dict(key);
            return new Counts(d.integer("complete"), d.integer("downloaded"), d.integer("incomplete"));
        }
    }

    /** Polls scrape until the condition holds; fails with the tracker's log otherwise. */
    public Counts awaitCounts(String infoHashHex, java.util.function.Predicate<Counts> condition, Duration timeout, String what)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Counts last = null;
        while (System.nanoTime() < deadline) {
            last = scrape(infoHashHex);
            if (condition.test(last)) return last;
            Thread.sleep(200);
        }
        throw new AssertionError("tracker never showed " + what + " within " + timeout + "; last scrape " + last + "\n" + proc.tail());
    }
}
