package io.btspeed.protocol.ext;

import io.btspeed.protocol.ProtocolException;
import io.btspeed.protocol.bencode.BBytes;
import io.btspeed.protocol.bencode.BDict;
import io.btspeed.protocol.bencode.BValue;
import io.btspeed.protocol.bencode.Bencode;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * BEP 11 ut_pex: peers added and dropped since the last message, in compact form (6 bytes per IPv4
 * peer, 18 per IPv6 peer) with one flags byte per added peer.
 */
public record PexMessage(List<InetSocketAddress> added, byte[] addedFlags, List<InetSocketAddress> dropped,
                         List<InetSocketAddress> added6, byte[] added6Flags, List<InetSocketAddress> dropped6) {
    /** BEP 11 asks for at most 50 added and 50 dropped per message; we accept some slack. */
    public static final int MAX_PEERS = 200;

    public PexMessage {
        added = List.copyOf(added);
        dropped = List.copyOf(dropped);
        added6 = List.copyOf(added6);
        dropped6 = List.copyOf(dropped6);
        addedFlags = addedFlags == null ? new byte[added.size()] : addedFlags.clone();
        added6Flags = added6Flags == null ? new byte[added6.size()] : added6Flags.clone();
        // one flags byte per added peer, or the receiver would pair flags with the wrong peers
        if (addedFlags.length != added.size() || added6Flags.length != added6.size()) {
            throw new IllegalArgumentException("need one flags byte per added peer");
        }
    }

    @Override
    public byte[] addedFlags() {
        return addedFlags.clone();
    }

    @Override
    public byte[] added6Flags() {
        return added6Flags.clone();
    }

    // records compare arrays by reference; messages are values, so compare content
    @Override
    public boolean equals(Object o) {
        return o instanceof PexMessage p && added.equals(p.added) && java.util.Arrays.equals(addedFlags, p.addedFlags)
                && dropped.equals(p.dropped) && added6.equals(p.added6) && java.util.Arrays.equals(added6Flags, p.added6Flags)
                && dropped6.equals(p.dropped6);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(added, java.util.Arrays.hashCode(addedFlags), dropped, added6,
                java.util.Arrays.hashCode(added6Flags), dropped6);
    }

    public byte[] encode() {
        return Bencode.encode(BDict.builder()
                .put("added", new BBytes(compact(added, 4)))
                .put("added.f", new BBytes(addedFlags))
                .put("dropped", new BBytes(compact(dropped, 4)))
                .put("added6", new BBytes(compact(added6, 16)))
                .put("added6.f", new BBytes(added6Flags))
                .put("dropped6", new BBytes(compact(dropped6, 16)))
                .build());
    }

    public static PexMessage decode(byte[] payload) {
        BValue v;
        try {
            v = Bencode.decodeLenient(payload);
        } catch (ProtocolException e) {
            throw new ExtensionException("ut_pex message is not valid bencode: " + e.getMessage());
        }
        if (!(v instanceof BDict d)) throw new ExtensionException("ut_pex message is not a dictionary");
        List<InetSocketAddress> added = parse(d, "added", 4);
        List<InetSocketAddress> dropped = parse(d, "dropped", 4);
        List<InetSocketAddress> added6 = parse(d, "added6", 16);
        List<InetSocketAddress> dropped6 = parse(d, "dropped6", 16);
        byte[] f = flags(d, "added.f", added.size());
        byte[] f6 = flags(d, "added6.f", added6.size());
        return new PexMessage(added, f, dropped, added6, f6, dropped6);
    }

    private static byte[] flags(BDict d, String key, int n) {
        byte[] f = d.get(key) instanceof BBytes b ? b.bytes() : new byte[0];
        // missing or short flags are common; treat unknown flags as 0 rather than drop the peers
        return f.length == n ? f : java.util.Arrays.copyOf(f, n);
    }

    private static List<InetSocketAddress> parse(BDict d, String key, int addrLen) {
        BValue v = d.get(key);
        if (v == null) return List.of();
        if (!(v instanceof BBytes b)) throw new ExtensionException("ut_pex '" + key + "' is not a string");
        byte[] raw = b.bytes();
        int entry = addrLen + 2;
        if (raw.length % entry != 0) throw new ExtensionException("ut_pex '" + key + "' length " + raw.length + " is not a multiple of " + entry);
        if (raw.length / entry > MAX_PEERS) throw new ExtensionException("ut_pex '" + key + "' lists more than " + MAX_PEERS + " peers");
        List<InetSocketAddress> out = new ArrayList<>(raw.length / entry);
        ByteBuffer bb = ByteBuffer.wrap(raw);
        byte[] a = new byte[addrLen];
        while (bb.hasRemaining()) {
            bb.get(a);
            int port = bb.getShort() & 0xffff;
            try {
                // Inet6Address.getByAddress keeps an IPv4-mapped address in the IPv6 list (getByAddress
                // would turn it into an Inet4Address, which then could not be re-encoded as added6)
                InetAddress ip = addrLen == 16 ? Inet6Address.getByAddress(null, a.clone(), -1) : InetAddress.getByAddress(a);
                out.add(new InetSocketAddress(ip, port));
            } catch (UnknownHostException e) {
                throw new ExtensionException("bad address in ut_pex");
            }
        }
        return out;
    }

    private static byte[] compact(List<InetSocketAddress> peers, int addrLen) {
        ByteBuffer b = ByteBuffer.allocate(peers.size() * (addrLen + 2));
        for (InetSocketAddress p : peers) {
            byte[] a = p.getAddress().getAddress();
            if (a.length != addrLen) throw new IllegalArgumentException("address family mismatch: " + p);
            b.put(a).putShort((short) p.getPort());
        }
        return b.array();
    }
}
