package io.btspeed.protocol.wire;

import java.nio.ByteBuffer;

/**
 * Splits a byte stream into peer wire messages without I/O: feed it what arrived, take messages
 * out. The length prefix is checked against the limit before anything is buffered, so a hostile
 * "4 GiB frame" costs nothing.
 */
public final class FrameReader {
    private final int maxFrame;
    private ByteBuffer buf;

    public FrameReader() {
        this(MessageCodec.MAX_FRAME);
    }

    public FrameReader(int maxFrame) {
        if (maxFrame < 1) throw new IllegalArgumentException("maxFrame must be positive");
        this.maxFrame = maxFrame;
        this.buf = ByteBuffer.allocate(16 * 1024 + 64);
        buf.flip();
    }

    /** Appends the remaining bytes of {@code in}. */
    public void feed(ByteBuffer in) {
        if (!in.hasRemaining()) return;
        checkHeadPrefix(in);
        buf.compact();
        if (buf.remaining() < in.remaining()) {
            int need = buf.position() + in.remaining();
            int cap = Math.max(need, Math.min(buf.capacity() * 2, maxFrame + 4));
            if (cap < need) cap = need;
            ByteBuffer bigger = ByteBuffer.allocate(cap);
            buf.flip();
            bigger.put(buf);
            buf = bigger;
        }
        buf.put(in);
        buf.flip();
    }

    /**
     * When this feed completes the length prefix of the frame at the head, check it now: a peer
     * announcing an oversized frame is refused before its bytes are copied in.
     */
    private void checkHeadPrefix(ByteBuffer in) {
        int have = buf.remaining();
        if (have >= 4 || have + in.remaining() < 4) return;
        int len = 0;
        for (int i = 0; i < 4; i++) {
            byte b = i < have ? buf.get(buf.position() + i) : in.get(in.position() + i - have);
            len = (len << 8) | (b & 0xff);
        }
        checkLength(len);
    }

    private void checkLength(int len) {
        if (len < 0 || len > maxFrame) {
            throw new WireException("length prefix " + Integer.toUnsignedString(len) + " exceeds " + maxFrame);
        }
    }

    public void feed(byte[] b) {
        feed(ByteBuffer.wrap(b));
    }

    /** The next complete message, or null if more bytes are needed. Piece data is copied out. */
    public PeerMessage next() {
        if (buf.remaining() < 4) return null;
        int len = buf.getInt(buf.position());
        checkLength(len);
        if (buf.remaining() < 4 + len) return null;
        ByteBuffer body = ByteBuffer.allocate(len);
        body.put(buf.array(), buf.arrayOffset() + buf.position() + 4, len).flip();
        buf.position(buf.position() + 4 + len);
        return MessageCodec.decode(body);
    }

    /** Bytes buffered but not yet returned as messages. */
    public int buffered() {
        return buf.remaining();
    }
}
