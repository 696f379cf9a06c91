package io.btspeed.engine.tracker;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small BEP 15 tracker on 127.0.0.1 for tests: hands out connection ids, checks them on announces,
 * and can drop datagrams, send a stray reply first, or refuse. Records every request it receives.
 */
final class FakeUdpTracker implements AutoCloseable {
    final DatagramSocket socket;
    final List<byte[]> received = new CopyOnWriteArrayList<>();
    final AtomicInteger connects = new AtomicInteger();
    final AtomicInteger announces = new AtomicInteger();
    volatile int dropFirst;
    volatile boolean strayFirst;
    volatile String refuse;
    volatile List<InetSocketAddress> peers = List.of();
    private final AtomicInteger nextConnectionId = new AtomicInteger(1000);
    private final List<Long> issued = new CopyOnWriteArrayList<>();
    private final Thread thread;

    FakeUdpTracker() throws SocketException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        thread = Thread.ofVirtual().start(this::serve);
    }

    String url() {
        return "udp://127.0.0.1:" + socket.getLocalPort() + "/announce";
    }

    private void serve() {
        byte[] buf = new byte[2048];
        while (!socket.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
            } catch (IOException e) {
                return;
            }
            byte[] req = java.util.Arrays.copyOf(p.getData(), p.getLength());
            received.add(req);
            if (dropFirst > 0) {
                dropFirst--;
                continue;
            }
            ByteBuffer b = ByteBuffer.wrap(req);
            long conn = b.getLong();
            int action = b.getInt();
            int tx = b.getInt();
            UdpReply reply;
            if (refuse != null) {
                reply = new UdpReply.Error(tx, refuse);
            } else if (action == 0 && conn == UdpTrackerPackets.PROTOCOL_ID && req.length == 16) {
                connects.incrementAndGet();
                long id = nextConnectionId.incrementAndGet();
                issued.add(id);
                reply = new UdpReply.Connect(tx, id);
            } else if (action == 1 && issued.contains(conn) && req.length >= 98) {
                announces.incrementAndGet();
                reply = new UdpReply.Announce(tx, 1800, 1, 2, peers);
            } else {
                reply = new UdpReply.Error(tx, "bad request");
            }
            try {
                if (strayFirst) {
                    strayFirst = false;
                    send(UdpTrackerPackets.encode(new UdpReply.Error(tx + 1, "for somebody else")), p.getSocketAddress());
                }
                send(UdpTrackerPackets.encode(reply), p.getSocketAddress());
            } catch (IOException e) {
                return;
            }
        }
    }

    private void send(byte[] data, java.net.SocketAddress to) throws IOException {
        socket.send(new DatagramPacket(data, data.length, to));
    }

    /** Forgets the connection ids it handed out, as a restarted tracker would. */
    void forgetConnections() {
        issued.clear();
    }

    @Override
    public void close() {
        socket.close();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
