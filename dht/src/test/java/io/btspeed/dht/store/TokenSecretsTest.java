package io.btspeed.dht.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.btspeed.dht.krpc.Token;
import java.net.InetAddress;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TokenSecretsTest {
    static final InetAddress A = InetAddress.ofLiteral("10.0.0.1");
    static final InetAddress B = InetAddress.ofLiteral("10.0.0.2");
    static final long P = TokenSecrets.DEFAULT_ROTATE_MS;

    @Test
    void tokenIsBoundToTheIpItWasIssuedTo() {
        TokenSecrets s = new TokenSecrets(new SplittableRandom(1), P, 0);
        Token t = s.issue(A, 0);
        assertThat(s.verify(t, A, 1)).isTrue();
        assertThat(s.verify(t, B, 1)).isFalse();
        assertThat(s.verify(t, InetAddress.ofLiteral("::ffff:10.0.0.3"), 1)).isFalse();
    }

    @Test
    void previousSecretIsAcceptedOlderOnesAreNot() {
        TokenSecrets s = new TokenSecrets(new SplittableRandom(2), P, 0);
        Token t = s.issue(A, 0);
        assertThat(s.verify(t, A, P + 1)).isTrue(); // one rotation: previous secret
        assertThat(s.verify(t, A, 2 * P + 1)).isFalse(); // two rotations: gone
        TokenSecrets idle = new TokenSecrets(new SplittableRandom(3), P, 0);
        Token u = idle.issue(A, 0);
        assertThat(idle.verify(u, A, 5 * P)).isFalse(); // a long idle time drops both secrets at once
    }

    @Test
    void forgedTokensFail() {
        TokenSecrets s = new TokenSecrets(new SplittableRandom(4), P, 0);
        SplittableRandom forger = new SplittableRandom(99);
        for (int i = 0; i < 1000; i++) {
            byte[] b = new byte[8];
            forger.nextBytes(b);
            assertThat(s.verify(new Token(b), A, 0)).isFalse();
        }
        Token real = s.issue(A, 0);
        byte[] flipped = real.bytes();
        flipped[0] ^= 1;
        assertThat(s.verify(new Token(flipped), A, 0)).isFalse();
    }
}
