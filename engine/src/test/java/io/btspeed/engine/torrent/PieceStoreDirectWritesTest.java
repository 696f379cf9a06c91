package io.btspeed.engine.torrent;

import static org.assertj.core.api.Assertions.assertThat;

import io.btspeed.protocol.metainfo.InfoDictBuilder;
import io.btspeed.protocol.metainfo.Metainfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Direct writes must leave exactly the bytes cached writes leave, whatever the alignment of pieces and files. The
 * directory is under the module's build directory, on the machine's disk (ext4 here and in CI), so direct I/O is
 * really used and the test can say how many bytes took that path.
 */
class PieceStoreDirectWritesTest {
    private static final int PIECE = 16 * 1024;
    private Path dir;

    @BeforeEach
    void makeDir() throws IOException {
        Path target = Path.of("target");
        Files.createDirectories(target);
        dir = Files.createTempDirectory(target, "direct-writes");
    }

    @AfterEach
    void removeDir() throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    @Test
    void aSingleFileWithAShortLastPieceIsWrittenDirectlyUpToItsLastBlock() throws IOException {
        long length = 3L * PIECE + 100;
        Metainfo m = new InfoDictBuilder("one.bin", PIECE).length(length).pieceHashes(new byte[20 * 4]).toMetainfo(List.of());
        byte[] payload = random(length, 1);

        long direct = writeAll(m, dir.resolve("direct"), payload, true, 7);
        writeAll(m, dir.resolve("cached"), payload, false, 8);

        assertThat(Files.readAllBytes(dir.resolve("direct/one.bin"))).isEqualTo(payload);
        assertThat(Files.readAllBytes(dir.resolve("cached/one.bin"))).isEqualTo(payload);
        // three whole pieces; the last 100 bytes are less than a block and go through the page cache
        assertThat(direct).isEqualTo(3L * PIECE);
    }

    @Test
    void filesThatStartOffABlockBoundaryFallBackToThePageCache() throws IOException {
        // a: two whole pieces (aligned); b: 5,000 bytes starting on a piece boundary; c: starts at an odd offset
        Metainfo m = new InfoDictBuilder("tree", PIECE).addFile(List.of("a.bin"), 2L * PIECE).addFile(List.of("sub", "b.bin"), 5_000)
                .addFile(List.of("c.bin"), 40_000).pieceHashes(new byte[20 * 5]).toMetainfo(List.of());
        byte[] payload = random(m.totalLength(), 2);

        long direct = writeAll(m, dir.resolve("direct"), payload, true, 9);

        assertThat(concat(dir.resolve("direct/tree"), "a.bin", "sub/b.bin", "c.bin")).isEqualTo(payload);
        // all of a, and b's first block; b's 904-byte tail and every byte of c (whose offsets are not block multiples) are cached
        assertThat(direct).isEqualTo(2L * PIECE + 4096);
    }

    @Test
    void paddingFilesAlignTheNextFileSoItIsWrittenDirectly() throws IOException {
        Metainfo m = new InfoDictBuilder("padded", PIECE).addFile(List.of("a.bin"), 5_000).addPadding(PIECE - 5_000)
                .addFile(List.of("b.bin"), 2L * PIECE).pieceHashes(new byte[20 * 3]).toMetainfo(List.of());
        byte[] payload = random(m.totalLength(), 3);
        for (int i = 5_000; i < PIECE; i++) payload[i] = 0; // padding bytes are zeros by definition

        long direct = writeAll(m, dir.resolve("direct"), payload, true, 10);

        byte[] a = Files.readAllBytes(dir.resolve("direct/padded/a.bin"));
        byte[] b = Files.readAllBytes(dir.resolve("direct/padded/b.bin"));
        assertThat(a).isEqualTo(java.util.Arrays.copyOfRange(payload, 0, 5_000));
        assertThat(b).isEqualTo(java.util.Arrays.copyOfRange(payload, PIECE, 3 * PIECE));
        assertThat(direct).isEqualTo(4096 + 2L * PIECE);
    }

    /** Writes every piece in a shuffled order from aligned piece buffers, as the engine does; returns the direct bytes. */
    private static long writeAll(Metainfo m, Path root, byte[] payload, boolean directWrites, long seed) throws IOException {
        Files.createDirectories(root);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < m.pieceCount(); i++) order.add(i);
        Collections.shuffle(order, new Random(seed));
        try (PieceStore store = new PieceStore(m, root, directWrites)) {
            for (int piece : order) {
                int from = piece * m.pieceLength();
                int size = (int) Math.min(m.pieceLength(), payload.length - from);
                ByteBuffer buf = PieceBuffers.alignedBuffer(m.pieceLength());
                buf.clear().limit(size);
                buf.put(payload, from, size).flip();
                store.writePiece(piece, buf);
                ByteBuffer back = ByteBuffer.allocate(size);
                assertThat(store.readPiece(piece, back)).isTrue();
                assertThat(back.array()).isEqualTo(java.util.Arrays.copyOfRange(payload, from, from + size));
            }
            store.force();
            return store.directBytesWritten();
        }
    }

    private static byte[] concat(Path root, String... files) throws IOException {
        var out = new java.io.ByteArrayOutputStream();
        for (String f : files) out.write(Files.readAllBytes(root.resolve(f)));
        return out.toByteArray();
    }

    private static byte[] random(long n, long seed) {
        byte[] b = new byte[(int) n];
        new Random(seed).nextBytes(b);
        return b;
    }
}
