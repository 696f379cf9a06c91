package io.btspeed.bench;

import io.btspeed.core.bitfield.Bitfield;
import io.btspeed.core.picker.BlockRequest;
import io.btspeed.core.picker.PiecePicker;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The piece picker's whole per-block cycle for a whole torrent: pick a batch of blocks for a peer,
 * report each block received, verify each completed piece, until every piece is had. One
 * operation = downloading the whole torrent through the picker (no I/O), so blocks/s = ops/s ×
 * blocks per torrent. {@code peers} seeds with random availability spread make rarest-first work.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class PickerBench {
    /** 1 GiB in 1 MiB pieces, and 1 GiB in 256 KiB pieces. */
    @Param({"1048576", "262144"})
    int pieceLength;

    @Param({"1", "8"})
    int peers;

    private static final long TOTAL = 1L << 30;
    private Bitfield[] peerHas;
    private Object[] peerKeys;

    @Setup(Level.Trial)
    public void setup() {
        int pieces = (int) (TOTAL / pieceLength);
        Random r = new Random(7);
        peerHas = new Bitfield[peers];
        peerKeys = new Object[peers];
        for (int i = 0; i < peers; i++) {
            peerKeys[i] = "peer" + i;
            peerHas[i] = Bitfield.full(pieces);
        }
        if (peers > 1) {
            // all but the first peer miss a random tenth: availability differs piece by piece
            for (int i = 1; i < peers; i++) for (int p = 0; p < pieces; p++) if (r.nextInt(10) == 0) peerHas[i].clear(p);
        }
    }

    @Benchmark
    public int wholeTorrent() {
        int pieces = (int) (TOTAL / pieceLength);
        PiecePicker picker = new PiecePicker(pieceLength, TOTAL, new Bitfield(pieces), new Random(1));
        for (Bitfield b : peerHas) picker.peerBitfield(b);
        int blocks = 0;
        while (!picker.isComplete()) {
            for (int i = 0; i < peers; i++) {
                List<BlockRequest> batch = picker.pickBlocks(peerKeys[i], peerHas[i], 64, null);
                for (BlockRequest q : batch) {
                    blocks++;
                    if (picker.onBlockReceived(peerKeys[i], q.piece(), q.begin()).pieceComplete()) picker.onPieceVerified(q.piece());
                }
            }
        }
        return blocks;
    }
}
