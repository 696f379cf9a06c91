package io.btspeed.protocol.wire;

import java.nio.ByteBuffer;

/**
 * Encodes and decodes peer wire frames. A frame is a 4-byte big-endian length followed by a body
 * of that many bytes: an id byte and the payload. Every fixed-size message must have exactly its
 * size: a longer or shorter one is a protocol error, not something to guess at.
 */
public final class MessageCodec {
    /**
     * Largest frame body we accept: a 16 KiB block plus header, with room for big bitfields
     * (8 Mi pieces) and extension messages. Anything above is refused before it is buffered.
     */
    public static final int MAX_FRAME = 1 << 20;

    public static final byte CHOKE = 0, UNCHOKE = 1, INTERESTED = 2, NOT_INTERESTED = 3, HAVE = 4, BITFIELD = 5,
            REQUEST = 6, PIECE = 7, CANCEL = 8, PORT = 9, SUGGEST = 13, HAVE_ALL = 14, HAVE_NONE = 15, REJECT = 16,
            ALLOWED_FAST = 17, EXTENDED = 20;

    private MessageCodec() {}

    /** Decodes a frame body (after the length prefix); a {@link Piece}'s data is a slice of {@code body}. */
    public static PeerMessage decode(ByteBuffer body) {
        int len = body.remaining();
        if (len == 0) return new KeepAlive();
        if (len > MAX_FRAME) throw new WireException("frame of " + len + " bytes exceeds " + MAX_FRAME);
        ByteBuffer b = body.duplicate();
        int id = b.get() & 0xff;
        int payload = len - 1;
        return switch (id) {
            case CHOKE -> { exact(id, payload, 0); yield new Choke(); }
            case UNCHOKE -> { exact(id, payload, 0); yield new Unchoke(); }
            case INTERESTED -> { exact(id, payload, 0); yield new Interested(); }
            case NOT_INTERESTED -> { exact(id, payload, 0); yield new NotInterested(); }
            case HAVE -> { exact(id, payload, 4); yield new Have(b.getInt()); }
            case BITFIELD -> {
                byte[] bits = new byte[payload];
                b.get(bits);
                yield new BitfieldMsg(bits);
            }
            case REQUEST -> { exact(id, payload, 12); yield new Request(b.getInt(), b.getInt(), b.getInt()); }
            case PIECE -> {
                if (payload < 8) throw new WireException("piece message too short: " + payload + " bytes");
                int piece = b.getInt();
                int begin = b.getInt();
                yield new Piece(piece, begin, b.slice());
            }
            case CANCEL -> { exact(id, payload, 12); yield new Cancel(b.getInt(), b.getInt(), b.getInt()); }
            case PORT -> { exact(id, payload, 2); yield new Port(b.getShort() & 0xffff); }
            case SUGGEST -> { exact(id, payload, 4); yield new SuggestPiece(b.getInt()); }
            case HAVE_ALL -> { exact(id, payload, 0); yield new HaveAll(); }
            case HAVE_NONE -> { exact(id, payload, 0); yield new HaveNone(); }
            case REJECT -> { exact(id, payload, 12); yield new RejectRequest(b.getInt(), b.getInt(), b.getInt()); }
            case ALLOWED_FAST -> { exact(id, payload, 4); yield new AllowedFast(b.getInt()); }
            case EXTENDED -> {
                if (payload < 1) throw new WireException("extended message without an extension id");
                int ext = b.get() & 0xff;
                byte[] data = new byte[payload - 1];
                b.get(data);
                yield new Extended(ext, data);
            }
            default -> throw new WireException("unknown message id " + id);
        };
    }

    private static void exact(int id, int got, int want) {
        if (got != want) {
            throw new WireException("message id " + id + " must carry " + want + " payload bytes, got " + got);
        }
    }

    /** Size on the wire including the 4-byte length prefix. */
    public static int encodedSize(PeerMessage m) {
        return 4 + bodySize(m);
    }

    private static int bodySize(PeerMessage m) {
        return switch (m) {
            case KeepAlive k -> 0;
            case Choke c -> 1;
            case Unchoke u -> 1;
            case Interested i -> 1;
            case NotInterested n -> 1;
            case HaveAll h -> 1;
            case HaveNone h -> 1;
            case Have h -> 5;
            case SuggestPiece s -> 5;
            case AllowedFast a -> 5;
            case Port p -> 3;
            case Request r -> 13;
            case Cancel c -> 13;
            case RejectRequest r -> 13;
            case BitfieldMsg bf -> 1 + bf.bits().length;
            case Piece p -> 9 + p.data().remaining();
            case Extended e -> 2 + e.payloadLength();
        };
    }

    /** Writes the length prefix and body into {@code out} (which must have room: see {@link #encodedSize}). */
    public static void encode(PeerMessage m, ByteBuffer out) {
        out.putInt(bodySize(m));
        switch (m) {
            case KeepAlive k -> { }
            case Choke c -> out.put(CHOKE);
            case Unchoke u -> out.put(UNCHOKE);
            case Interested i -> out.put(INTERESTED);
            case NotInterested n -> out.put(NOT_INTERESTED);
            case HaveAll h -> out.put(HAVE_ALL);
            case HaveNone h -> out.put(HAVE_NONE);
            case Have(int piece) -> out.put(HAVE).putInt(piece);
            case SuggestPiece(int piece) -> out.put(SUGGEST).putInt(piece);
            case AllowedFast(int piece) -> out.put(ALLOWED_FAST).putInt(piece);
            case Port(int port) -> out.put(PORT).putShort((short) port);
            case Request(int p, int b, int l) -> out.put(REQUEST).putInt(p).putInt(b).putInt(l);
            case Cancel(int p, int b, int l) -> out.put(CANCEL).putInt(p).putInt(b).putInt(l);
            case RejectRequest(int p, int b, int l) -> out.put(REJECT).putInt(p).putInt(b).putInt(l);
            case BitfieldMsg bf -> out.put(BITFIELD).put(bf.bits());
            case Piece(int p, int b, ByteBuffer data) -> out.put(PIECE).putInt(p).putInt(b).put(data.duplicate());
            case Extended e -> out.put(EXTENDED).put((byte) e.extId()).put(e.payload());
        }
    }

    /**
     * Writes only the 13-byte header of a piece message whose {@code length} data bytes the caller
     * sends itself (zero-copy from the file with transferTo).
     */
    public static void writePieceHeader(ByteBuffer out, int piece, int begin, int length) {
        out.putInt(9 + length).put(PIECE).putInt(piece).putInt(begin);
    }

    public static final int PIECE_HEADER = 13;
}
