package io.btspeed.tracker.udp;

import io.btspeed.protocol.metainfo.InfoHash;
import io.btspeed.tracker.AnnounceEvent;
import io.btspeed.tracker.PeerEntry;
import io.btspeed.tracker.ScrapeEntry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * BEP 15 packets, tracker side: strict decoding of requests (exact lengths, known actions and
 * events, non-negative counters, BEP 41 options inside the packet) and encoding of replies.
 */
public final class UdpCodec {
    /** The magic number in a connect request's connection-id field. */
    public static final long PROTOCOL_ID = 0x41727101980L;
    public static final int ACTION_CONNECT = 0, ACTION_ANNOUNCE = 1, ACTION_SCRAPE = 2, ACTION_ERROR = 3;
    static final int HEADER = 16;
    static final int ANNOUNCE_LENGTH = 98;
    /** BEP 15: about 74 hashes fit a scrape in a common MTU. */
    public static final int MAX_SCRAPE_HASHES = 74;
    /** Largest packet we accept; a scrape of 74 hashes (1496 bytes) is the biggest honest request. */
    public static final int MAX_PACKET = HEADER + 20 * MAX_SCRAPE_HASHES;
    /** Replies stay below this so they are not fragmented on common paths. */
    static final int MAX_REPLY = 1400;

    private UdpCodec() {}

    public static UdpRequest decode(ByteBuffer packet) {
        ByteBuffer b = packet.slice();
        int len = b.remaining();
        if (len < HEADER) throw new UdpRequestException("packet of " + len + " bytes is shorter than the 16-byte header", null);
        if (len > MAX_PACKET) throw new UdpRequestException("packet of " + len + " bytes is longer than any request", null);
        long connectionId = b.getLong();
        int action = b.getInt();
        int tx = b.getInt();
        switch (action) {
            case ACTION_CONNECT -> {
                // no error reply: without the magic this is not a tracker client talking
                if (connectionId != PROTOCOL_ID) throw new UdpRequestException("connect without the protocol id", null);
                if (len != HEADER) throw new UdpRequestException("connect must be 16 bytes, got " + len, tx);
                return new UdpRequest.Connect(tx);
            }
            case ACTION_ANNOUNCE -> {
                return announce(b, len, connectionId, tx);
            }
            case ACTION_SCRAPE -> {
                int body = len - HEADER;
                if (body == 0 || body % 20 != 0) {
                    throw new UdpRequestException("scrape must carry 1.." + MAX_SCRAPE_HASHES + " 20-byte info-hashes, got " + body + " bytes", tx);
                }
                List<InfoHash> hashes = new ArrayList<>(body / 20);
                byte[] h = new byte[20];
                while (b.hasRemaining()) {
                    b.get(h);
                    hashes.add(new InfoHash(h));
                }
                return new UdpRequest.Scrape(connectionId, tx, hashes);
            }
            default -> throw new UdpRequestException("unknown action " + action, tx);
        }
    }

    private static UdpRequest.Announce announce(ByteBuffer b, int len, long connectionId, int tx) {
        if (len < ANNOUNCE_LENGTH) throw new UdpRequestException("announce must be at least 98 bytes, got " + len, tx);
        byte[] infoHash = new byte[20];
        byte[] peerId = new byte[20];
        b.get(infoHash).get(peerId);
        long downloaded = b.getLong();
        long left = b.getLong();
        long uploaded = b.getLong();
        int event = b.getInt();
        int ip = b.getInt();
        int key = b.getInt();
        int numWant = b.getInt();
        int port = Short.toUnsignedInt(b.getShort());
        if (downloaded < 0 || left < 0 || uploaded < 0) throw new UdpRequestException("negative downloaded/left/uploaded", tx);
        AnnounceEvent ev = switch (event) {
            case 0 -> AnnounceEvent.NONE;
            case 1 -> AnnounceEvent.COMPLETED;
            case 2 -> AnnounceEvent.STARTED;
            case 3 -> AnnounceEvent.STOPPED;
            case 4 -> AnnounceEvent.NONE; // "paused" (BEP 21 upload-only), sent by libtorrent: a regular announce for us
            default -> throw new UdpRequestException("unknown event " + event, tx);
        };
        if (port == 0) throw new UdpRequestException("port 0", tx);
        checkOptions(b, tx);
        return new UdpRequest.Announce(connectionId, tx, new InfoHash(infoHash), peerId, downloaded, left, uploaded, ev, ip, key,
                numWant, port);
    }

    /**
     * BEP 41 options after the announce: 0 ends them, 1 is padding, every other type is followed by
     * a length byte and that many bytes (2 = URL data). We only check they stay inside the packet.
     */
    private static void checkOptions(ByteBuffer b, int tx) {
        while (b.hasRemaining()) {
            int type = Byte.toUnsignedInt(b.get());
            if (type == 0) return;
            if (type == 1) continue;
            if (!b.hasRemaining()) throw new UdpRequestException("option " + type + " without a length", tx);
            int n = Byte.toUnsignedInt(b.get());
            if (n > b.remaining()) throw new UdpRequestException("option " + type + " of " + n + " bytes runs past the packet", tx);
            b.position(b.position() + n);
        }
    }

    public static ByteBuffer connectReply(int tx, long connectionId) {
        return ByteBuffer.allocate(16).putInt(ACTION_CONNECT).putInt(tx).putLong(connectionId).flip();
    }

    /** @param addressLength 4 or 16: the family of the peers (the family the client asked over) */
    public static ByteBuffer announceReply(int tx, int interval, int leechers, int seeders, List<PeerEntry> peers, int addressLength) {
        ByteBuffer out = ByteBuffer.allocate(20 + peers.size() * (addressLength + 2));
        out.putInt(ACTION_ANNOUNCE).putInt(tx).putInt(interval).putInt(leechers).putInt(seeders);
        for (PeerEntry p : peers) {
            byte[] a = p.address().getAddress();
            if (a.length != addressLength) throw new IllegalArgumentException("peer " + p + " is not of the reply's family");
            out.put(a).putShort((short) p.port());
        }
        return out.flip();
    }

    /** Most peers that fit one reply of the given address family. */
    public static int maxPeersPerReply(int addressLength) {
        return (MAX_REPLY - 20) / (addressLength + 2);
    }

    public static ByteBuffer scrapeReply(int tx, List<ScrapeEntry> entries) {
        ByteBuffer out = ByteBuffer.allocate(8 + entries.size() * 12);
        out.putInt(ACTION_SCRAPE).putInt(tx);
        for (ScrapeEntry e : entries) out.putInt(e.seeders()).putInt(e.completed()).putInt(e.leechers());
        return out.flip();
    }

    public static ByteBuffer error(int tx, String message) {
        byte[] m = message.getBytes(StandardCharsets.UTF_8);
        int n = Math.min(m.length, MAX_REPLY - 8);
        return ByteBuffer.allocate(8 + n).putInt(ACTION_ERROR).putInt(tx).put(m, 0, n).flip();
    }
}
