package io.btspeed.engine.lsd;

import io.btspeed.protocol.metainfo.InfoHash;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Two discovery endpoints on one interface announcing the same torrent with different ports, plus
 * hostile datagrams sent to the group first. Used in-process when loopback does multicast, and as
 * a child process's main inside a fresh network namespace when it does not.
 */
final class LsdPair {
    record Found(InfoHash infoHash, InetSocketAddress peer) {}

    private LsdPair() {}

    /** Returns "a-found=PORT b-found=PORT" or throws with what was missing. */
    static String discover(NetworkInterface nif, InetSocketAddress group4, InetSocketAddress group6) throws Exception {
        InfoHash h = InfoHash.fromHex("0123456789abcdef0123456789abcdef01234567");
        InfoHash other = InfoHash.fromHex("ffffffffffffffffffffffffffffffffffffffff");
        BlockingQueue<Found> toA = new ArrayBlockingQueue<>(64);
        BlockingQueue<Found> toB = new ArrayBlockingQueue<>(64);
        // re-announce every 2 s, not every 5 min: a datagram lost on a loaded machine is sent again within the wait
        LocalServiceDiscovery.Config cfg = LocalServiceDiscovery.Config.defaults().withGroups(group4, group6).withInterfaces(List.of(nif))
                .withTiming(Duration.ofSeconds(2), Duration.ofSeconds(1));
        try (LocalServiceDiscovery a = LocalServiceDiscovery.start(cfg, 5001, (ih, p) -> toA.offer(new Found(ih, p)));
             LocalServiceDiscovery b = LocalServiceDiscovery.start(cfg, 5002, (ih, p) -> toB.offer(new Found(ih, p)))) {
            hostile(group4 != null ? group4 : group6, nif, h);
            a.add(h);
            a.add(other); // b does not announce this one: it must never be reported to b
            b.add(h);
            Found fa = toA.poll(20, TimeUnit.SECONDS);
            Found fb = toB.poll(20, TimeUnit.SECONDS);
            if (fa == null || fb == null) {
                throw new AssertionError("no discovery within 20 s: a got " + fa + ", b got " + fb + " (joined " + a.describe() + ")");
            }
            // anything else either side heard must be the other side, for the shared torrent
            Thread.sleep(Duration.ofMillis(300));
            for (Found f : List.copyOf(toA)) check(f, h, 5002);
            for (Found f : List.copyOf(toB)) check(f, h, 5001);
            check(fa, h, 5002);
            check(fb, h, 5001);
            return "a-found=" + fa.peer().getPort() + " b-found=" + fb.peer().getPort() + " via " + a.describe();
        }
    }

    private static void check(Found f, InfoHash h, int port) {
        if (!f.infoHash().equals(h) || f.peer().getPort() != port) throw new AssertionError("unexpected discovery " + f);
    }

    /** Junk, an oversized datagram and a spoofed-looking announce with port 0: all must be dropped. */
    private static void hostile(InetSocketAddress group, NetworkInterface nif, InfoHash h) throws Exception {
        try (java.net.MulticastSocket s = new java.net.MulticastSocket()) {
            s.setNetworkInterface(nif);
            s.setLoopbackMode(false); // false = loop ON (the JDK's inverted flag)
            for (byte[] junk : List.of(new byte[] {0, 1, 2}, new byte[3000],
                    ("BT-SEARCH * HTTP/1.1\r\nPort: 0\r\nInfohash: " + h.hex() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII),
                    ("BT-SEARCH * HTTP/1.1\r\nPort: 99999\r\nInfohash: " + h.hex() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII),
                    ("BT-SEARCH * HTTP/1.1\r\nPort: 7\r\nInfohash: xyz\r\n\r\n").getBytes(StandardCharsets.US_ASCII))) {
                s.send(new DatagramPacket(junk, junk.length, group));
            }
        }
    }

    /**
     * Child-process entry point: args = IPv4 interface, group port, and optionally an IPv6 interface.
     * Prints one RESULT line per family.
     */
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[1]);
        String v4 = discover(NetworkInterface.getByName(args[0]),
                new InetSocketAddress(LocalServiceDiscovery.GROUP_V4.getAddress(), port), null);
        System.out.println("RESULT ipv4: " + v4);
        if (args.length > 2) {
            String v6 = discover(NetworkInterface.getByName(args[2]), null,
                    new InetSocketAddress(LocalServiceDiscovery.GROUP_V6.getAddress(), port));
            System.out.println("RESULT ipv6: " + v6);
        }
        System.exit(0);
    }
}
