package io.btspeed.tracker.http;

import io.btspeed.protocol.bencode.BDict;
import io.btspeed.protocol.bencode.BInt;
import io.btspeed.protocol.bencode.BList;
import io.btspeed.protocol.bencode.BValue;
import io.btspeed.protocol.bencode.Bencode;
import io.btspeed.protocol.metainfo.InfoHash;
import io.btspeed.tracker.AnnounceResult;
import io.btspeed.tracker.PeerEntry;
import io.btspeed.tracker.ScrapeEntry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Bencoded bodies of HTTP tracker replies (BEP 3, BEP 23 compact, BEP 7 peers6, BEP 48 scrape). */
public final class HttpReplies {
    private HttpReplies() {}

    public static byte[] failure(String reason) {
        return Bencode.encode(BDict.builder().put("failure reason", reason).build());
    }

    public static byte[] announce(AnnounceResult.Accepted a, boolean compact, boolean noPeerId) {
        BDict.Builder b = BDict.builder()
                .put("interval", a.interval())
                .put("min interval", a.minInterval())
                .put("complete", a.seeders())
                .put("incomplete", a.leechers());
        if (compact) {
            int v4 = 0, v6 = 0;
            for (PeerEntry p : a.peers()) {
                if (p.isIpv4()) v4++;
                else v6++;
            }
            ByteBuffer peers = ByteBuffer.allocate(v4 * 6);
            ByteBuffer peers6 = ByteBuffer.allocate(v6 * 18);
            for (PeerEntry p : a.peers()) {
                ByteBuffer to = p.isIpv4() ? peers : peers6;
                to.put(p.address().getAddress()).putShort((short) p.port());
            }
            b.put("peers", peers.array());
            if (v6 > 0) b.put("peers6", peers6.array());
        } else {
            List<BValue> list = new ArrayList<>(a.peers().size());
            for (PeerEntry p : a.peers()) {
                BDict.Builder d = BDict.builder()
                        .put("ip", p.address().getHostAddress())
                        .put("port", p.port());
                if (!noPeerId) d.put("peer id", p.peerId());
                list.add(d.build());
            }
            b.put("peers", new BList(list));
        }
        return Bencode.encode(b.build());
    }

    /** BEP 48: "files" maps each raw 20-byte info-hash to its counts. */
    public static byte[] scrape(Map<InfoHash, ScrapeEntry> entries) {
        Map<String, BValue> files = new LinkedHashMap<>();
        for (var e : entries.entrySet()) {
            ScrapeEntry s = e.getValue();
            files.put(new String(e.getKey().bytes(), StandardCharsets.ISO_8859_1), BDict.builder()
                    .put("complete", new BInt(s.seeders()))
                    .put("downloaded", new BInt(s.completed()))
                    .put("incomplete", new BInt(s.leechers()))
                    .build());
        }
        return Bencode.encode(BDict.builder().put("files", new BDict(files)).build());
    }
}
