package io.btspeed.dht.store;

import io.btspeed.dht.krpc.Token;
import java.net.InetAddress;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Write tokens (BEP 5): a get_peers answer hands the querier SHA-1(ip ‖ secret), and only that IP
 * may announce with it. The secret rotates every {@code rotateMs}; tokens made with the previous
 * secret stay valid, so a token lives between one and two rotation periods. Nothing is stored per
 * querier, which is the point: tokens cost no memory however many nodes ask.
 */
public final class TokenSecrets {
    public static final long DEFAULT_ROTATE_MS = 5 * 60_000L;
    private static final int TOKEN_BYTES = 8;
    private static final int SECRET_BYTES = 16;

    private final RandomGenerator random;
    private final long rotateMs;
    private byte[] current;
    private byte[] previous;
    private long rotatedAt;

    public TokenSecrets(RandomGenerator random, long rotateMs, long now) {
        if (rotateMs <= 0) throw new IllegalArgumentException("rotation period must be positive");
        this.random = random;
        this.rotateMs = rotateMs;
        this.current = fresh();
        this.previous = fresh();
        this.rotatedAt = now;
    }

    public Token issue(InetAddress ip, long now) {
        rotate(now);
        return new Token(token(ip, current));
    }

    /** True when the token was issued to this IP under the current or the previous secret. */
    public boolean verify(Token token, InetAddress ip, long now) {
        rotate(now);
        byte[] t = token.bytes();
        // constant-time comparison: the token is a secret-derived value
        return MessageDigest.isEqual(t, token(ip, current)) || MessageDigest.isEqual(t, token(ip, previous));
    }

    private void rotate(long now) {
        long periods = (now - rotatedAt) / rotateMs;
        if (periods <= 0) return;
        // after two or more idle periods both secrets are stale: tokens from then must not pass
        previous = periods == 1 ? current : fresh();
        current = fresh();
        rotatedAt += periods * rotateMs;
    }

    private byte[] fresh() {
        byte[] s = new byte[SECRET_BYTES];
        random.nextBytes(s);
        return s;
    }

    private static byte[] token(InetAddress ip, byte[] secret) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            sha1.update(ip.getAddress());
            sha1.update(secret);
            return Arrays.copyOf(sha1.digest(), TOKEN_BYTES);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }
}
