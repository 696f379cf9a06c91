package io.btspeed.ledger.op;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.btspeed.ledger.crypto.KeyPair;
import io.btspeed.ledger.crypto.PublicKey;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class SignedOpsTest {
    private final KeyPair alice = KeyPair.fromPrivateKey(BigInteger.valueOf(1001));
    private final KeyPair bob = KeyPair.fromPrivateKey(BigInteger.valueOf(2002));
    private final byte[] channel = new byte[32];

    @Test
    void channelStateVerifiesOnlyForThePayerAndTheExactFields() {
        channel[0] = 7;
        ChannelState.Signed s = new ChannelState(channel, 5, 1_000).sign(alice);
        PublicKey a = PublicKey.of(alice.publicKey());
        assertThat(s.verify(a)).isTrue();
        assertThat(s.verify(PublicKey.of(bob.publicKey()))).isFalse();
        // same signature over a higher amount or another sequence must not verify
        assertThat(new ChannelState.Signed(new ChannelState(channel, 5, 1_001), s.signature()).verify(a)).isFalse();
        assertThat(new ChannelState.Signed(new ChannelState(channel, 6, 1_000), s.signature()).verify(a)).isFalse();
        byte[] other = channel.clone();
        other[31] = 1;
        assertThat(new ChannelState.Signed(new ChannelState(other, 5, 1_000), s.signature()).verify(a)).isFalse();
    }

    @Test
    void transferSignatureCoversEveryFieldAndBindsTheSenderKey() {
        Transfer t = new Transfer(alice.address(), bob.address(), 42, 0, "infohash:abcd");
        Transfer.Signed s = t.sign(alice);
        assertThat(s.verify()).isTrue();
        assertThat(new Transfer.Signed(new Transfer(alice.address(), bob.address(), 43, 0, "infohash:abcd"),
                s.senderKey(), s.signature()).verify()).isFalse();
        assertThat(new Transfer.Signed(new Transfer(alice.address(), bob.address(), 42, 1, "infohash:abcd"),
                s.senderKey(), s.signature()).verify()).isFalse();
        assertThat(new Transfer.Signed(new Transfer(alice.address(), bob.address(), 42, 0, "other"),
                s.senderKey(), s.signature()).verify()).isFalse();
        // bob's key cannot stand in for alice even with a signature bob made himself
        Transfer.Signed forged = new Transfer.Signed(t, PublicKey.of(bob.publicKey()), bob.sign(t.digest()));
        assertThat(forged.verify()).isFalse();
        // deterministic signing: the same op has the same id, so resubmission is recognisable
        assertThat(t.sign(alice).id()).isEqualTo(s.id());
    }

    @Test
    void rejectsNonsenseAmountsAndForeignSigners() {
        assertThatThrownBy(() -> new Transfer(alice.address(), bob.address(), 0, 0, "")).hasMessageContaining("positive");
        assertThatThrownBy(() -> new Transfer(alice.address(), bob.address(), -5, 0, "")).hasMessageContaining("positive");
        assertThatThrownBy(() -> new Transfer(alice.address(), bob.address(), 1, 0, "x".repeat(300))).hasMessageContaining("memo");
        assertThatThrownBy(() -> new Transfer(alice.address(), bob.address(), 1, 0, "").sign(bob)).hasMessageContaining("not the sender");
        assertThatThrownBy(() -> new ChannelState(new byte[31], 0, 0)).hasMessageContaining("32 bytes");
    }
}
