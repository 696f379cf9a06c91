package io.btspeed.tracker.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.btspeed.protocol.bencode.BDict;
import io.btspeed.protocol.bencode.Bencode;
import io.btspeed.protocol.metainfo.InfoHash;
import io.btspeed.tracker.AllowList;
import io.btspeed.tracker.SwarmRegistry;
import io.btspeed.tracker.TrackerConfig;
import io.btspeed.tracker.TrackerCounters;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The HTTP tracker over real HTTP on 127.0.0.1. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HttpTrackerTest {
    static final byte[] HASH = HttpQueryTest.seq(0xf0); // bytes above 0x7f: a text round trip would break them
    static final byte[] OTHER = HttpQueryTest.seq(1);
    HttpTracker tracker;
    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws Exception {
        TrackerConfig config = TrackerConfig.defaults().withInterval(Duration.ofSeconds(900)).withMinInterval(Duration.ofSeconds(60))
                .withAllowList(AllowList.of(Set.of(new InfoHash(HASH), new InfoHash(OTHER))));
        tracker = HttpTracker.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                new SwarmRegistry(config, new Random(5)), new TrackerCounters(), System::currentTimeMillis);
    }

    @AfterEach
    void stop() {
        tracker.close();
        client.close();
    }

    HttpResponse<byte[]> get(String pathAndQuery) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + tracker.port() + pathAndQuery))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    BDict announce(byte[] hash, int peer, int port, long left, String extra) throws Exception {
        HttpResponse<byte[]> r = get("/announce?" + HttpQueryTest.query(hash, HttpQueryTest.seq(peer), "&port=" + port + "&left=" + left + extra));
        assertThat(r.statusCode()).isEqualTo(200);
        return (BDict) Bencode.decode(r.body());
    }

    @Test
    void compactAnnounceHandsOutTheOtherPeer() throws Exception {
        BDict first = announce(HASH, 1, 7001, 0, "&event=started&compact=1");
        assertThat(first.integer("interval")).isEqualTo(900);
        assertThat(first.integer("min interval")).isEqualTo(60);
        assertThat(first.bytes("peers")).isEmpty();
        BDict second = announce(HASH, 2, 7002, 100, "&event=started");
        assertThat(second.integer("complete")).isEqualTo(1);
        assertThat(second.integer("incomplete")).isEqualTo(1);
        ByteBuffer peers = ByteBuffer.wrap(second.bytes("peers"));
        assertThat(peers.remaining()).isEqualTo(6);
        byte[] ip = new byte[4];
        peers.get(ip);
        assertThat(InetAddress.getByAddress(ip)).isEqualTo(InetAddress.getLoopbackAddress());
        assertThat(Short.toUnsignedInt(peers.getShort())).isEqualTo(7001);
        assertThat(second.has("peers6")).isFalse();
    }

    @Test
    void dictionaryPeersWithAndWithoutPeerIds() throws Exception {
        announce(HASH, 1, 7001, 0, "");
        BDict dict = announce(HASH, 2, 7002, 5, "&compact=0");
        BDict p = (BDict) dict.list("peers").items().getFirst();
        assertThat(p.string("ip")).isEqualTo("127.0.0.1");
        assertThat(p.integer("port")).isEqualTo(7001);
        assertThat(p.bytes("peer id")).isEqualTo(HttpQueryTest.seq(1));
        BDict noId = announce(HASH, 2, 7002, 5, "&compact=0&no_peer_id=1");
        assertThat(((BDict) noId.list("peers").items().getFirst()).has("peer id")).isFalse();
    }

    @Test
    void badRequestsAndUnlistedHashesGetAFailureReason() throws Exception {
        BDict bad = (BDict) Bencode.decode(get("/announce?info_hash=%00&port=1").body());
        assertThat(bad.string("failure reason")).contains("info_hash must be 20 bytes");
        BDict unlisted = announce(HttpQueryTest.seq(77), 1, 7001, 0, "");
        assertThat(unlisted.string("failure reason")).contains("not tracked");
        // a malformed escape does not even parse as a URI: the server refuses the request line itself
        try (java.net.Socket s = new java.net.Socket(InetAddress.getLoopbackAddress(), tracker.port())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write("GET /announce?info_hash=%zz HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String status = new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            assertThat(status).startsWith("HTTP/1.1 4");
        }
        assertThat(announce(HASH, 1, 7001, 0, "").has("failure reason")).isFalse();
    }

    @Test
    void scrapeReportsSeveralSwarmsKeyedByRawHash() throws Exception {
        announce(HASH, 1, 7001, 0, "&event=started");
        announce(HASH, 2, 7002, 10, "&event=started");
        announce(HASH, 2, 7002, 0, "&event=completed");
        announce(OTHER, 3, 7003, 10, "&event=started");
        String q = "info_hash=" + HttpQueryTest.escape(HASH) + "&info_hash=" + HttpQueryTest.escape(OTHER)
                + "&info_hash=" + HttpQueryTest.escape(HttpQueryTest.seq(77));
        BDict files = ((BDict) Bencode.decode(get("/scrape?" + q).body())).dict("files");
        assertThat(files.entries()).hasSize(2); // the unlisted hash is not mentioned at all
        BDict h = files.dict(new String(HASH, StandardCharsets.ISO_8859_1));
        assertThat(h.integer("complete")).isEqualTo(2);
        assertThat(h.integer("incomplete")).isZero();
        assertThat(h.integer("downloaded")).isEqualTo(1);
        BDict o = files.dict(new String(OTHER, StandardCharsets.ISO_8859_1));
        assertThat(o.integer("incomplete")).isEqualTo(1);
    }

    @Test
    void otherPathsAndMethods() throws Exception {
        assertThat(get("/").statusCode()).isEqualTo(404);
        assertThat(get("/announcex").statusCode()).isEqualTo(404);
        HttpResponse<byte[]> post = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + tracker.port() + "/announce"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(post.statusCode()).isEqualTo(405);
    }
}
