package io.btspeed.engine.torrent;

import io.btspeed.protocol.metainfo.InfoHash;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * BEP 6 allowed-fast set: pieces a choked peer may still request from us. Derived from the peer's
 * /24 and the info-hash, so reconnecting from the same network cannot farm a different set.
 */
final class AllowedFastSet {
    static final int K = 10;

    private AllowedFastSet() {
    }

    static Set<Integer> compute(InetAddress peer, InfoHash infoHash, int pieceCount, int k) {
        Set<Integer> out = new LinkedHashSet<>();
        if (!(peer instanceof Inet4Address) || pieceCount <= 0) return out;
        k = Math.min(k, pieceCount);
        byte[] ip = peer.getAddress();
        byte[] x = ByteBuffer.allocate(24).put(ip[0]).put(ip[1]).put(ip[2]).put((byte) 0).put(infoHash.bytes()).array();
        MessageDigest sha1;
        try {
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-1", e);
        }
        while (out.size() < k) {
            x = sha1.digest(x);
            ByteBuffer b = ByteBuffer.wrap(x);
            for (int i = 0; i < 5 && out.size() < k; i++) {
                long y = b.getInt(i * 4) & 0xffffffffL;
                out.add((int) (y % pieceCount));
            }
        }
        return out;
    }
}
