package io.btspeed.dht;

import io.btspeed.dht.krpc.KrpcCodec;
import io.btspeed.dht.krpc.KrpcMessage;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.Arrays;

/** A bare UDP socket speaking raw bytes to a node, to play the hostile or the forgetful peer. */
final class RawKrpcClient implements AutoCloseable {
    private final DatagramSocket socket;

    RawKrpcClient(String bindIp) throws IOException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.ofLiteral(bindIp), 0));
        socket.setSoTimeout(3000);
    }

    void send(byte[] data, InetSocketAddress to) throws IOException {
        socket.send(new DatagramPacket(data, data.length, to));
    }

    void send(KrpcMessage m, InetSocketAddress to) throws IOException {
        send(KrpcCodec.encode(m), to);
    }

    /** Next datagram decoded, or null when none came within {@code timeoutMs}. */
    KrpcMessage receive(int timeoutMs) throws IOException {
        socket.setSoTimeout(timeoutMs);
        byte[] buf = new byte[65_536];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        try {
            socket.receive(p);
        } catch (SocketTimeoutException e) {
            return null;
        }
        return KrpcCodec.decode(Arrays.copyOf(buf, p.getLength()));
    }

    @Override
    public void close() {
        socket.close();
    }
}
