package io.btspeed.protocol.wire;

import io.btspeed.protocol.metainfo.InfoHash;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The 68-byte BEP 3 handshake: {@code \x13BitTorrent protocol}, 8 reserved bytes, info-hash, peer id.
 * Reserved bits: 0x10 in byte 5 = extension protocol (BEP 10), 0x04 in byte 7 = Fast (BEP 6),
 * 0x01 in byte 7 = DHT (BEP 5). A set bit says what a peer claims, not what it will do.
 */
public record Handshake(byte[] reserved, InfoHash infoHash, byte[] peerId) {
    public static final int LENGTH = 68;
    public static final byte[] PROTOCOL = "\u0013BitTorrent protocol".getBytes(StandardCharsets.ISO_8859_1);

    public Handshake {
        if (reserved == null || reserved.length != 8) throw new WireException("reserved must be 8 bytes");
        if (peerId == null || peerId.length != 20) throw new WireException("peer id must be 20 bytes");
        if (infoHash == null) throw new WireException("a handshake needs an info-hash");
        reserved = reserved.clone();
        peerId = peerId.clone();
    }

    public static byte[] reserved(boolean extensions, boolean fast, boolean dht) {
        byte[] r = new byte[8];
        if (extensions) r[5] |= 0x10;
        if (fast) r[7] |= 0x04;
        if (dht) r[7] |= 0x01;
        return r;
    }

    public boolean supportsExtensions() {
        return (reserved[5] & 0x10) != 0;
    }

    public boolean supportsFast() {
        return (reserved[7] & 0x04) != 0;
    }

    public boolean supportsDht() {
        return (reserved[7] & 0x01) != 0;
    }

    @Override
    public byte[] reserved() {
        return reserved.clone();
    }

    @Override
    public byte[] peerId() {
        return peerId.clone();
    }

    public byte[] encode() {
        byte[] b = new byte[LENGTH];
        System.arraycopy(PROTOCOL, 0, b, 0, 20);
        System.arraycopy(reserved, 0, b, 20, 8);
        System.arraycopy(infoHash.bytes(), 0, b, 28, 20);
        System.arraycopy(peerId, 0, b, 48, 20);
        return b;
    }

    /** True when the first 20 bytes are the plaintext protocol header (not an MSE-encrypted start). */
    public static boolean isProtocolHeader(byte[] first20) {
        return first20.length >= 20 && Arrays.equals(first20, 0, 20, PROTOCOL, 0, 20);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Handshake h && Arrays.equals(reserved, h.reserved) && infoHash.equals(h.infoHash)
                && Arrays.equals(peerId, h.peerId);
    }

    @Override
    public int hashCode() {
        return (Arrays.hashCode(reserved) * 31 + infoHash.hashCode()) * 31 + Arrays.hashCode(peerId);
    }

    @Override
    public String toString() {
        return "Handshake[reserved=" + java.util.HexFormat.of().formatHex(reserved) + ", " + infoHash.hex()
                + ", peerId=" + java.util.HexFormat.of().formatHex(peerId) + "]";
    }

    public static Handshake decode(byte[] b) {
        if (b == null || b.length != LENGTH) throw new WireException("handshake must be 68 bytes");
        if (!isProtocolHeader(b)) throw new WireException("not a BitTorrent handshake (encrypted or another protocol)");
        return new Handshake(Arrays.copyOfRange(b, 20, 28), new InfoHash(Arrays.copyOfRange(b, 28, 48)),
                Arrays.copyOfRange(b, 48, 68));
    }
}
