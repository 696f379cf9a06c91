package io.btspeed.app.cli;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Options shared by download and seed. */
public final class NetworkOptions {
    @Option(names = "--port", paramLabel = "N", description = "TCP port to listen on (default: ${DEFAULT-VALUE}; 0 = any free port)")
    int port = 6881;

    @Option(names = "--bind", paramLabel = "IP", description = "address to listen on and dial from (default: all interfaces)")
    String bind;

    @Option(names = "--peer", paramLabel = "HOST:PORT", converter = PeerAddressConverter.class,
            description = "connect to this peer directly (repeatable)")
    List<InetSocketAddress> peers = new ArrayList<>();

    @Option(names = "--upload-limit", paramLabel = "RATE", converter = SizeConverter.class,
            description = "upload limit in bytes/s, e.g. 500K, 10M (default: unlimited)")
    long uploadLimit;

    @Option(names = "--no-trackers", description = "do not announce to the torrent's trackers")
    boolean noTrackers;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "where resume data is kept (default: DIR/.btspeed)")
    Path stateDir;

    @Option(names = "--lsd", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "find peers on the local network by multicast (BEP 14); --no-lsd turns it off (default: on)")
    boolean lsd = true;

    @Option(names = "--dht", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "find peers through the mainline DHT (BEP 5); --no-dht turns it off (default: on)")
    boolean dht = true;

    @Option(names = "--dht-bootstrap", paramLabel = "HOST:PORT", converter = DhtBootstrapConverter.class,
            description = "join the DHT through this node (repeatable; default: well-known public routers,"
                    + " none when --bind is a loopback address)")
    List<InetSocketAddress> dhtBootstrap = new ArrayList<>();

    @Option(names = "--dht-port", paramLabel = "N", description = "UDP port of the DHT (default: the same number as --port; 0 = any)")
    Integer dhtPort;

    @Option(names = "--max-peers", paramLabel = "N", description = "most peers per torrent (default: ${DEFAULT-VALUE})")
    int maxPeers = 80;
}
