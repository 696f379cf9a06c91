package io.btspeed.engine.tracker;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Collection;

/** Compact peer lists (BEP 23 for IPv4, BEP 7 for IPv6): address bytes then a big-endian port, repeated. */
final class CompactPeers {
    private CompactPeers() {}

    /**
     * Appends the peers in {@code data[off, off+len)} to {@code out}. Entries with port 0 cannot be dialled
     * and are dropped; a length that is not a whole number of entries is rejected, because it means the
     * tracker and we disagree about the format and any peer we would read could be garbage.
     */
    static void decode(byte[] data, int off, int len, int addressWidth, Collection<InetSocketAddress> out, String what)
            throws TrackerException {
        int stride = addressWidth + 2;
        if (len % stride != 0) {
            throw new TrackerException(what + " of " + len + " bytes is not a whole number of " + stride + "-byte entries");
        }
        for (int i = off; i < off + len; i += stride) {
            int port = ((data[i + addressWidth] & 0xff) << 8) | (data[i + addressWidth + 1] & 0xff);
            if (port == 0) continue;
            try {
                // getByAddress never consults DNS: the bytes are the address.
                out.add(new InetSocketAddress(InetAddress.getByAddress(Arrays.copyOfRange(data, i, i + addressWidth)), port));
            } catch (UnknownHostException e) {
                throw new AssertionError("4 or 16 address bytes are always valid", e);
            }
        }
    }

    /** The compact form of one peer (used by tests and fake trackers). */
    static byte[] encode(InetSocketAddress peer) {
        byte[] a = peer.getAddress().getAddress();
        byte[] out = Arrays.copyOf(a, a.length + 2);
        out[a.length] = (byte) (peer.getPort() >>> 8);
        out[a.length + 1] = (byte) peer.getPort();
        return out;
    }
}
