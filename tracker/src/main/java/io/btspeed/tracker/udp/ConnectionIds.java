package io.btspeed.tracker.udp;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * BEP 15 connection ids without server state: HMAC-SHA256 of (time slot, client address, port) under
 * a random key, truncated to 64 bits. A client cannot forge one for an address it does not receive
 * packets at (that is the point: announces from spoofed sources are refused), and an id is accepted
 * in the slot it was issued in and the next, so it lives between one and two minutes.
 * Not thread-safe (one Mac); the UDP loop owns it.
 */
public final class ConnectionIds {
    static final long SLOT_MILLIS = 60_000;

    private final Mac mac;
    private final byte[] input = new byte[8 + 16 + 2];

    public ConnectionIds(SecureRandom random) {
        byte[] key = new byte[32];
        random.nextBytes(key);
        try {
            mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("the JDK always has HmacSHA256", e);
        }
    }

    public long issue(InetSocketAddress client, long nowMillis) {
        return id(client, Math.floorDiv(nowMillis, SLOT_MILLIS));
    }

    public boolean valid(long connectionId, InetSocketAddress client, long nowMillis) {
        long slot = Math.floorDiv(nowMillis, SLOT_MILLIS);
        return connectionId == id(client, slot) || connectionId == id(client, slot - 1);
    }

    private long id(InetSocketAddress client, long slot) {
        byte[] addr = client.getAddress().getAddress();
        ByteBuffer b = ByteBuffer.wrap(input);
        b.putLong(slot).put(addr).putShort((short) client.getPort());
        mac.update(input, 0, b.position());
        return ByteBuffer.wrap(mac.doFinal()).getLong();
    }
}
