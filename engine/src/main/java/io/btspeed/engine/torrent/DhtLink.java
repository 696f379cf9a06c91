package io.btspeed.engine.torrent;

import java.net.InetSocketAddress;
import java.util.function.Consumer;

/**
 * What the peer wire knows of the session's DHT node (BEP 5): the UDP port it runs on, which we
 * advertise with the handshake's DHT bit and a PORT message, and where the PORT messages of peers
 * go. The DHT lives outside the engine (module {@code dht}); until one is attached the port is 0,
 * the bit stays clear and PORT messages from peers are ignored.
 */
public final class DhtLink {
    private record State(int port, Consumer<InetSocketAddress> onPeerNode) {}

    private volatile State state = new State(0, a -> { });

    /** Advertise {@code udpPort} from now on and hand every peer's DHT address to {@code onPeerNode} (which must not block). */
    public void attach(int udpPort, Consumer<InetSocketAddress> onPeerNode) {
        if (udpPort < 1 || udpPort > 65535) throw new IllegalArgumentException("DHT port must be 1-65535, got " + udpPort);
        state = new State(udpPort, onPeerNode);
    }

    /** Our DHT node's UDP port, 0 when there is none. */
    public int port() {
        return state.port();
    }

    /** A peer told us its DHT node listens on {@code port} at its own address. */
    void peerNode(InetSocketAddress peer, int port) {
        State s = state;
        if (s.port() == 0 || port < 1 || port > 65535) return;
        s.onPeerNode().accept(new InetSocketAddress(peer.getAddress(), port));
    }
}
