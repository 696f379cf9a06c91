package io.btspeed.dht.krpc;

import io.btspeed.dht.NodeId;
import io.btspeed.dht.NodeInfo;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Compact node info (id + IP + port: 26 bytes for IPv4, 38 for IPv6) and compact peer info
 * (IP + port: 6 or 18 bytes), BEP 5 and BEP 32. Addresses are built from raw bytes, never looked up.
 */
public final class CompactAddresses {
    public static final int NODE4 = 26;
    public static final int NODE6 = 38;
    public static final int PEER4 = 6;
    public static final int PEER6 = 18;

    private CompactAddresses() {}

    /**
     * Entries with port 0 are skipped rather than failing the whole message: such entries are
     * common from buggy nodes and carry nothing we could use.
     */
    public static List<NodeInfo> decodeNodes(byte[] data, boolean ipv6, int maxEntries, String key) {
        int size = ipv6 ? NODE6 : NODE4;
        if (data.length % size != 0) {
            throw new KrpcException("'" + key + "' length " + data.length + " is not a multiple of " + size,
                    KrpcException.PROTOCOL_ERROR, null, false);
        }
        int n = data.length / size;
        if (n > maxEntries) {
            throw new KrpcException("'" + key + "' holds " + n + " nodes, at most " + maxEntries + " allowed",
                    KrpcException.PROTOCOL_ERROR, null, false);
        }
        List<NodeInfo> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int off = i * size;
            NodeId id = new NodeId(Arrays.copyOfRange(data, off, off + NodeId.LENGTH));
            InetSocketAddress a = address(data, off + NodeId.LENGTH, size - NodeId.LENGTH);
            // an IPv4-mapped address in "nodes6" decodes as IPv4: it does not belong in an IPv6 table
            boolean family = (a.getAddress() instanceof Inet6Address) == ipv6;
            if (a.getPort() != 0 && family) out.add(new NodeInfo(id, a));
        }
        return out;
    }

    public static byte[] encodeNodes(List<NodeInfo> nodes, boolean ipv6) {
        int size = ipv6 ? NODE6 : NODE4;
        byte[] out = new byte[nodes.size() * size];
        int off = 0;
        for (NodeInfo n : nodes) {
            if (n.isIpv6() != ipv6) throw new IllegalArgumentException("node " + n + " is not " + (ipv6 ? "IPv6" : "IPv4"));
            System.arraycopy(n.id().bytes(), 0, out, off, NodeId.LENGTH);
            writeAddress(n.address(), out, off + NodeId.LENGTH);
            off += size;
        }
        return out;
    }

    /** One "values" entry: 6 bytes (IPv4) or 18 (IPv6); null for port 0. */
    public static InetSocketAddress decodePeer(byte[] entry) {
        if (entry.length != PEER4 && entry.length != PEER6) {
            throw new KrpcException("peer entry of " + entry.length + " bytes (want 6 or 18)", KrpcException.PROTOCOL_ERROR, null, false);
        }
        InetSocketAddress a = address(entry, 0, entry.length);
        return a.getPort() == 0 ? null : a;
    }

    public static byte[] encodePeer(InetSocketAddress peer) {
        byte[] out = new byte[peer.getAddress() instanceof Inet6Address ? PEER6 : PEER4];
        writeAddress(peer, out, 0);
        return out;
    }

    private static InetSocketAddress address(byte[] data, int off, int len) {
        byte[] ip = Arrays.copyOfRange(data, off, off + len - 2);
        int port = ((data[off + len - 2] & 0xff) << 8) | (data[off + len - 1] & 0xff);
        try {
            return new InetSocketAddress(InetAddress.getByAddress(ip), port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 or 16 bytes are always an address", e);
        }
    }

    private static void writeAddress(InetSocketAddress a, byte[] out, int off) {
        byte[] ip = a.getAddress().getAddress();
        if (a.getAddress() instanceof Inet4Address && ip.length != 4) throw new IllegalArgumentException("bad IPv4 " + a);
        System.arraycopy(ip, 0, out, off, ip.length);
        out[off + ip.length] = (byte) (a.getPort() >>> 8);
        out[off + ip.length + 1] = (byte) a.getPort();
    }
}
