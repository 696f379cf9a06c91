package io.btspeed.engine;

import io.btspeed.protocol.metainfo.InfoHash;
import io.btspeed.protocol.wire.Handshake;
import io.btspeed.protocol.wire.MessageCodec;
import io.btspeed.protocol.wire.PeerMessage;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A hand-driven peer over a plain socket, for feeding a session exactly the bytes a test wants. */
final class RawPeer implements AutoCloseable {
    final Socket socket;
    final InputStream in;
    static final byte[] PEER_ID = "-XX0000-hostile-peer".getBytes(StandardCharsets.US_ASCII);

    RawPeer(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(15_000);
        this.in = socket.getInputStream();
    }

    static RawPeer connect(int port) throws IOException {
        return new RawPeer(new Socket(InetAddress.getLoopbackAddress(), port));
    }

    void send(byte[] raw) throws IOException {
        socket.getOutputStream().write(raw);
        socket.getOutputStream().flush();
    }

    void sendHandshake(InfoHash ih, boolean fast) throws IOException {
        send(new Handshake(Handshake.reserved(true, fast, false), ih, PEER_ID).encode());
    }

    void send(PeerMessage m) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(MessageCodec.encodedSize(m));
        MessageCodec.encode(m, b);
        send(b.array());
    }

    byte[] readExactly(int n) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length != n) throw new IOException("connection closed after " + b.length + " of " + n + " bytes");
        return b;
    }

    Handshake readHandshake() throws IOException {
        return Handshake.decode(readExactly(Handshake.LENGTH));
    }

    /** Reads one frame (length prefix + body); null at end of stream. */
    byte[] readFrame() throws IOException {
        byte[] len = in.readNBytes(4);
        if (len.length < 4) return null;
        int n = ByteBuffer.wrap(len).getInt();
        return readExactly(n);
    }

    /** True if the other side closes the connection (reads hit end of stream) before the timeout; data before that is skipped. */
    boolean closedByPeer() throws IOException {
        byte[] buf = new byte[65536];
        try {
            while (true) {
                if (in.read(buf) < 0) return true;
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // connection reset also means the session dropped us
        }
    }

    /** Bytes received until the other side closed or reset the connection; -1 if it stayed open until the timeout. */
    int bytesBeforeClose() throws IOException {
        byte[] buf = new byte[65536];
        int total = 0;
        try {
            while (true) {
                int r = in.read(buf);
                if (r < 0) return total;
                total += r;
            }
        } catch (SocketTimeoutException e) {
            return -1;
        } catch (IOException e) {
            return total;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    static byte[] frame(int length, byte id, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(5 + payload.length);
        b.putInt(length).put(id).put(payload);
        return Arrays.copyOf(b.array(), b.position());
    }
}
