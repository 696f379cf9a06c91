package io.btspeed.engine.torrent;

import io.btspeed.protocol.metainfo.FileEntry;
import io.btspeed.protocol.metainfo.Metainfo;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/** SHA-1 of pieces, the check of existing data at start-up, and which pieces the selected files need. */
final class PieceCheck {
    private static final ThreadLocal<MessageDigest> SHA1 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-1", e);
        }
    });
    private static final ThreadLocal<byte[]> HASH_CHUNK = ThreadLocal.withInitial(() -> new byte[256 * 1024]);

    private PieceCheck() {
    }

    static boolean hashMatches(Metainfo m, int piece, ByteBuffer data) {
        MessageDigest md = SHA1.get();
        md.reset();
        if (data.hasArray()) {
            md.update(data);
        } else {
            // MessageDigest copies direct buffers 4 KiB at a time; large bulk copies keep the SHA-1 intrinsic busy.
            byte[] chunk = HASH_CHUNK.get();
            while (data.hasRemaining()) {
                int n = Math.min(chunk.length, data.remaining());
                data.get(chunk, 0, n);
                md.update(chunk, 0, n);
            }
        }
        return MessageDigest.isEqual(md.digest(), m.pieceHash(piece));
    }

    /** The pieces that hold bytes of the selected files (all pieces when none are selected). */
    static BitSet wantedPieces(Metainfo m, Set<Integer> selectedFiles) {
        BitSet w = new BitSet(m.pieceCount());
        if (selectedFiles.isEmpty()) {
            w.set(0, m.pieceCount());
            return w;
        }
        List<FileEntry> files = m.files();
        for (int fi : selectedFiles) {
            if (fi < 0 || fi >= files.size()) throw new IllegalArgumentException("no file with index " + fi);
            FileEntry f = files.get(fi);
            if (f.length() == 0 || f.padding()) continue;
            int first = (int) (f.offset() / m.pieceLength());
            int last = (int) ((f.offset() + f.length() - 1) / m.pieceLength());
            w.set(first, last + 1);
        }
        return w;
    }

    /**
     * Hashes every piece not already {@code certain} whose bytes exist on disk, spread over the hash pool; counts
     * the pieces it hashed in {@code rechecked}.
     */
    static BitSet recheck(Metainfo m, PieceStore s, BitSet certain, ExecutorService hashPool, AtomicInteger rechecked)
            throws IOException {
        int n = m.pieceCount();
        int tasks = Math.max(1, Math.min(n, Runtime.getRuntime().availableProcessors()));
        BitSet result = new BitSet(n);
        for (int i = certain.nextSetBit(0); i >= 0 && i < n; i = certain.nextSetBit(i + 1)) {
            if (s.present(i)) result.set(i);
        }
        List<Future<BitSet>> parts = new ArrayList<>();
        for (int t = 0; t < tasks; t++) {
            int from = (int) ((long) n * t / tasks), to = (int) ((long) n * (t + 1) / tasks);
            parts.add(hashPool.submit(() -> {
                BitSet ok = new BitSet();
                ByteBuffer buf = ByteBuffer.allocateDirect(m.pieceLength());
                for (int i = from; i < to; i++) {
                    if (result.get(i)) continue;
                    buf.clear().limit(m.pieceSize(i));
                    if (!s.readPiece(i, buf)) continue;
                    buf.flip();
                    rechecked.incrementAndGet();
                    if (hashMatches(m, i, buf)) ok.set(i);
                }
                return ok;
            }));
        }
        for (Future<BitSet> f : parts) {
            try {
                result.or(f.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while checking", e);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
            }
        }
        return result;
    }
}
