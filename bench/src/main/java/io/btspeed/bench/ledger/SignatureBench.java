package io.btspeed.bench.ledger;

import io.btspeed.ledger.crypto.KeyPair;
import io.btspeed.ledger.crypto.PublicKey;
import io.btspeed.ledger.op.ChannelState;
import java.math.BigInteger;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a payee does per verified piece: check the payer's signature on a new channel state (one
 * payer key, many states). Also signing, which the payer does per piece. Operations per second on
 * one thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class SignatureBench {
    static final int STATES = 256;
    KeyPair payer;
    PublicKey payerKey;
    ChannelState.Signed[] states;
    int i;

    @Setup
    public void setup() {
        payer = KeyPair.fromPrivateKey(BigInteger.valueOf(0xC0FFEE));
        payerKey = PublicKey.of(payer.publicKey());
        states = new ChannelState.Signed[STATES];
        byte[] channel = new byte[32];
        channel[0] = 7;
        for (int k = 0; k < STATES; k++) states[k] = new ChannelState(channel, k + 1, 1000L * (k + 1)).sign(payer);
    }

    @Benchmark
    public boolean verifyChannelState() {
        ChannelState.Signed s = states[i++ & (STATES - 1)];
        return s.verify(payerKey);
    }

    @Benchmark
    public ChannelState.Signed signChannelState() {
        byte[] channel = new byte[32];
        return new ChannelState(channel, ++i, i * 10L).sign(payer);
    }
}
