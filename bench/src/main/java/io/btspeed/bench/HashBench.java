package io.btspeed.bench;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Piece verification cost: JDK SHA-1 (hardware SHA instructions where the CPU has them) over a
 * heap array and over a direct buffer, the two shapes the engine hashes. Throughput in pieces/s;
 * multiply by the piece size for bytes/s.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class HashBench {
    @Param({"262144", "1048576"})
    int pieceSize;

    byte[] heap;
    ByteBuffer direct;
    MessageDigest sha1;

    @Setup
    public void setup() throws Exception {
        heap = new byte[pieceSize];
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < heap.length; i++) heap[i] = (byte) r.nextInt();
        direct = ByteBuffer.allocateDirect(pieceSize).put(heap).flip();
        sha1 = MessageDigest.getInstance("SHA-1");
    }

    @Benchmark
    public byte[] sha1Heap() {
        sha1.update(heap);
        return sha1.digest();
    }

    @Benchmark
    public byte[] sha1Direct() {
        sha1.update(direct.duplicate());
        return sha1.digest();
    }
}
