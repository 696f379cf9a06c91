package io.btspeed.engine.tracker;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Encodes requests to and decodes replies from UDP trackers (BEP 15, with the URL-data option of BEP 41).
 * Pure functions over byte arrays; the socket, retries and timers live in {@link UdpTrackerClient}.
 */
public final class UdpTrackerPackets {
    /** The magic constant a connect request carries in place of a connection id. */
    public static final long PROTOCOL_ID = 0x41727101980L;
    public static final int ACTION_CONNECT = 0;
    public static final int ACTION_ANNOUNCE = 1;
    public static final int ACTION_SCRAPE = 2;
    public static final int ACTION_ERROR = 3;
    public static final int CONNECT_REQUEST_LENGTH = 16;
    public static final int ANNOUNCE_REQUEST_LENGTH = 98;
    /** Larger than any reply we accept with some room; a receive buffer of this size never truncates silently. */
    public static final int MAX_DATAGRAM = 65_535;

    private UdpTrackerPackets() {}

    public static byte[] connectRequest(int transactionId) {
        return ByteBuffer.allocate(CONNECT_REQUEST_LENGTH).putLong(PROTOCOL_ID).putInt(ACTION_CONNECT).putInt(transactionId).array();
    }

    /**
     * An announce request. {@code urlData} is the path and query of the announce URL (BEP 41), sent so that
     * trackers with per-user URLs can tell users apart; empty means no option is appended.
     */
    public static byte[] announceRequest(long connectionId, int transactionId, AnnounceRequest r, byte[] urlData) {
        int options = urlData.length == 0 ? 0 : urlData.length + 2 * ((urlData.length + 254) / 255);
        ByteBuffer b = ByteBuffer.allocate(ANNOUNCE_REQUEST_LENGTH + options);
        b.putLong(connectionId).putInt(ACTION_ANNOUNCE).putInt(transactionId)
                .put(r.infoHash().bytes()).put(r.peerId())
                .putLong(r.downloaded()).putLong(r.left()).putLong(r.uploaded())
                .putInt(r.event().udpCode())
                .putInt(0) // IP address: 0 = the one the datagram came from
                .putInt(r.key())
                .putInt(r.numWant() < 0 ? -1 : r.numWant())
                .putShort((short) r.port());
        // BEP 41 option 2 (URLData): chunks of at most 255 bytes, each with its own type and length.
        for (int off = 0; off < urlData.length; off += 255) {
            int n = Math.min(255, urlData.length - off);
            b.put((byte) 2).put((byte) n).put(urlData, off, n);
        }
        return b.array();
    }

    /**
     * Decodes a reply datagram. {@code peerAddressWidth} is 4 when the tracker was reached over IPv4 and
     * 16 over IPv6: BEP 15 ties the peer format to the transport, the packet does not say.
     *
     * @throws TrackerException when the datagram is too short, has an unknown action, or a peer list that
     *                          is not a whole number of entries
     */
    public static UdpReply decode(byte[] data, int length, int peerAddressWidth) throws TrackerException {
        if (length < 0 || length > data.length) throw new IllegalArgumentException("bad length");
        if (peerAddressWidth != 4 && peerAddressWidth != 16) throw new IllegalArgumentException("address width 4 or 16");
        if (length < 8) throw new TrackerException("UDP tracker reply of " + length + " bytes is shorter than its 8-byte header");
        ByteBuffer b = ByteBuffer.wrap(data, 0, length);
        int action = b.getInt();
        int tx = b.getInt();
        switch (action) {
            case ACTION_CONNECT -> {
                if (length < 16) throw new TrackerException("UDP connect reply of " + length + " bytes, expected 16");
                return new UdpReply.Connect(tx, b.getLong());
            }
            case ACTION_ANNOUNCE -> {
                if (length < 20) throw new TrackerException("UDP announce reply of " + length + " bytes, expected at least 20");
                int interval = clampUnsigned(b.getInt());
                int leechers = clampUnsigned(b.getInt());
                int seeders = clampUnsigned(b.getInt());
                Set<InetSocketAddress> peers = new LinkedHashSet<>();
                CompactPeers.decode(data, 20, length - 20, peerAddressWidth, peers, "UDP announce peer list");
                return new UdpReply.Announce(tx, interval, leechers, seeders, List.copyOf(peers));
            }
            case ACTION_ERROR -> {
                return new UdpReply.Error(tx, TrackerText.clean(data, 8, length - 8));
            }
            default -> throw new TrackerException("UDP tracker reply has unknown action " + Integer.toUnsignedString(action));
        }
    }

    /** The 32-bit fields are unsigned on the wire; values past Integer.MAX_VALUE are nonsense anyway. */
    private static int clampUnsigned(int v) {
        return v < 0 ? Integer.MAX_VALUE : v;
    }

    /** Encodes a reply as a tracker would; for fake trackers in tests and for building fuzz seeds. */
    public static byte[] encode(UdpReply reply) {
        return switch (reply) {
            case UdpReply.Connect c -> ByteBuffer.allocate(16).putInt(ACTION_CONNECT).putInt(c.transactionId())
                    .putLong(c.connectionId()).array();
            case UdpReply.Announce a -> {
                ByteBuffer b = ByteBuffer.allocate(20 + a.peers().stream().mapToInt(p -> p.getAddress().getAddress().length + 2).sum());
                b.putInt(ACTION_ANNOUNCE).putInt(a.transactionId()).putInt(a.intervalSeconds()).putInt(a.leechers()).putInt(a.seeders());
                for (InetSocketAddress p : a.peers()) b.put(CompactPeers.encode(p));
                yield b.array();
            }
            case UdpReply.Error e -> {
                byte[] msg = e.message().getBytes(StandardCharsets.UTF_8);
                yield ByteBuffer.allocate(8 + msg.length).putInt(ACTION_ERROR).putInt(e.transactionId()).put(msg).array();
            }
        };
    }
}
