package io.btspeed.engine.net;

import io.btspeed.protocol.wire.Handshake;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** BEP 3 handshake on a blocking channel, plus the socket tuning every peer connection gets. */
public final class HandshakeIo {
    private static final byte[] PROTOCOL = "\u0013BitTorrent protocol".getBytes(StandardCharsets.ISO_8859_1);
    /** Large kernel buffers let one connection carry hundreds of MB/s without the reader waking per segment. */
    private static final int SOCKET_BUFFER = 4 << 20;

    private HandshakeIo() {
    }

    public static void tune(SocketChannel ch) throws IOException {
        ch.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER);
        ch.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER);
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        ch.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
    }

    /** Opens a tuned, blocking connection; the connect itself is bounded by {@code timeoutMillis}. */
    public static SocketChannel connect(InetSocketAddress to, int timeoutMillis) throws IOException {
        return connect(to, null, timeoutMillis);
    }

    /**
     * As {@link #connect(InetSocketAddress, int)}, from {@code local} when it is a specific address of the
     * same family as the peer ({@code --bind}): outgoing connections then leave from the address the user
     * chose, as the listening socket does. A wildcard or null local address lets the system choose.
     */
    public static SocketChannel connect(InetSocketAddress to, java.net.InetAddress local, int timeoutMillis) throws IOException {
        SocketChannel ch = SocketChannel.open();
        try {
            tune(ch);
            if (local != null && !local.isAnyLocalAddress() && to.getAddress() != null
                    && local.getClass() == to.getAddress().getClass()) {
                // an explicit bind picks the port before the destination is known; allow ports whose
                // earlier connections still linger in TIME_WAIT so busy hosts do not run out
                ch.setOption(java.net.StandardSocketOptions.SO_REUSEADDR, true);
                ch.bind(new InetSocketAddress(local, 0));
            }
            ch.socket().connect(to, timeoutMillis);
            return ch;
        } catch (IOException e) {
            ch.close();
            throw e;
        }
    }

    public static void write(SocketChannel ch, Handshake h) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(h.encode());
        while (b.hasRemaining()) ch.write(b);
    }

    /**
     * Reads the peer's 68-byte handshake. The first 20 bytes are checked before anything else:
     * a client that opened with an MSE (encrypted) handshake sees us close at once and retries
     * in plaintext, instead of both sides waiting on each other.
     */
    public static Handshake read(SocketChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(Handshake.LENGTH);
        b.limit(PROTOCOL.length);
        readFully(ch, b);
        if (!Arrays.equals(b.array(), 0, PROTOCOL.length, PROTOCOL, 0, PROTOCOL.length)) {
            throw new WireViolation("not a BitTorrent handshake (encrypted or another protocol)");
        }
        b.limit(Handshake.LENGTH);
        readFully(ch, b);
        return Handshake.decode(b.array());
    }

    private static void readFully(SocketChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) throw new EOFException("peer closed the connection during the handshake");
        }
    }
}
