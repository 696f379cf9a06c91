package io.btspeed.bench;

import io.btspeed.protocol.wire.Have;
import io.btspeed.protocol.wire.MessageCodec;
import io.btspeed.protocol.wire.PeerMessage;
import io.btspeed.protocol.wire.Request;
import java.nio.ByteBuffer;
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
 * Peer-wire message codec on the messages a transfer is made of: one request and one have per
 * 16 KiB block or piece, and the 13-byte piece header the writer puts before every block. A
 * 1 GiB transfer is 65,536 blocks, so anything above a few million operations per second is
 * noise next to hashing and copying.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class CodecBench {
    private final ByteBuffer out = ByteBuffer.allocateDirect(64 * 1024);
    private ByteBuffer encodedRequest;
    private ByteBuffer encodedHave;
    private int counter;

    @Setup
    public void setup() {
        encodedRequest = body(new Request(1234, 5 * 16384, 16384));
        encodedHave = body(new Have(4321));
    }

    /** The message body (id + payload) as the decoder sees it after the length prefix. */
    private static ByteBuffer body(PeerMessage m) {
        ByteBuffer b = ByteBuffer.allocate(MessageCodec.encodedSize(m));
        MessageCodec.encode(m, b);
        b.flip();
        b.getInt();
        return b.slice();
    }

    @Benchmark
    public PeerMessage decodeRequest() {
        return MessageCodec.decode(encodedRequest.duplicate());
    }

    @Benchmark
    public PeerMessage decodeHave() {
        return MessageCodec.decode(encodedHave.duplicate());
    }

    @Benchmark
    public int encodeRequests() {
        // a batch the size of a deep pipeline, as the writer drains it into one buffer
        out.clear();
        int base = counter++ & 0xffff;
        for (int i = 0; i < 64; i++) MessageCodec.encode(new Request(base, i * 16384, 16384), out);
        return out.position();
    }

    @Benchmark
    public int pieceHeader() {
        out.clear();
        MessageCodec.writePieceHeader(out, counter++ & 0xffff, 0, 16384);
        return out.position();
    }
}
