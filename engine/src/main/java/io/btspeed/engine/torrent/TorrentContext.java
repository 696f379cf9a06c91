package io.btspeed.engine.torrent;

import io.btspeed.engine.SessionConfig;
import io.btspeed.engine.net.Throttle;

import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.function.IntSupplier;

/**
 * What a torrent needs from its session: identity, shared limits, the hashing pool and a way to dial.
 *
 * @param hashPool   platform threads for SHA-1, shared by all torrents
 * @param diskWriter one thread that writes verified pieces (and runs their bookkeeping)
 * @param dht        the session's DHT node as the peer wire sees it (port to advertise, where PORT messages go)
 */
public record TorrentContext(SessionConfig config, byte[] peerId, IntSupplier listenPort, Throttle upload, Throttle download,
                             ExecutorService hashPool, ExecutorService diskWriter, Dialer dialer, Timeouts timeouts, DhtLink dht) {
    /** Opens an outgoing connection for a torrent; the session does the handshake and calls {@link Torrent#attach}. */
    public interface Dialer {
        void dial(Torrent torrent, InetSocketAddress address);
    }
}
