package io.btspeed.engine.torrent;

import io.btspeed.engine.net.BlockSource;
import io.btspeed.protocol.metainfo.FileEntry;
import io.btspeed.protocol.metainfo.Metainfo;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The torrent's bytes on disk: a piece is a range of the concatenated files. Reads and writes are
 * positional (no shared file position, so many threads may use one channel); uploads go from the
 * page cache to the socket with {@link FileChannel#transferTo}. Files are opened lazily and created
 * sparse on first write; BEP 47 padding files are never created and read as zeros.
 */
final class PieceStore implements BlockSource, AutoCloseable {
    private final Metainfo meta;
    private final List<Path> paths = new ArrayList<>();
    private final FileChannel[] channels;
    /** Per file, a second channel opened for direct I/O (writes only); {@link #NO_DIRECT} once it cannot be had. */
    private final FileChannel[] directChannels;
    private final int[] directBlockSize;
    private final boolean directWrites;
    private final long[] fileOffsets;
    private final java.util.concurrent.atomic.LongAdder directBytes = new java.util.concurrent.atomic.LongAdder();

    /** Alignment of piece buffers; direct writes need their memory, file position and length on the filesystem's block size. */
    static final int DIRECT_ALIGNMENT = 4096;
    private static final int NO_DIRECT = -1;

    PieceStore(Metainfo meta, Path downloadDir) {
        this(meta, downloadDir, false);
    }

    /**
     * @param directWrites write verified pieces with direct I/O (O_DIRECT) where the filesystem allows it and the bytes are
     *     block-aligned: the piece goes from its buffer to the disk without a copy into the page cache. Unaligned file
     *     tails, and filesystems without direct I/O (tmpfs), are written through the page cache as usual.
     */
    PieceStore(Metainfo meta, Path downloadDir, boolean directWrites) {
        this.meta = meta;
        this.directWrites = directWrites;
        List<FileEntry> files = meta.files();
        channels = new FileChannel[files.size()];
        directChannels = new FileChannel[files.size()];
        directBlockSize = new int[files.size()];
        fileOffsets = new long[files.size()];
        Path root = meta.multiFile() ? downloadDir.resolve(meta.name()) : downloadDir;
        for (int i = 0; i < files.size(); i++) {
            FileEntry f = files.get(i);
            Path p = meta.multiFile() ? root : downloadDir.resolve(meta.name());
            if (meta.multiFile()) {
                for (String c : f.path()) p = p.resolve(c);
            }
            // absolute first: "." normalises to the empty path, which no relative path starts with
            if (!p.toAbsolutePath().normalize().startsWith(downloadDir.toAbsolutePath().normalize())) {
                throw new IllegalArgumentException("file path escapes the download directory: " + f.path());
            }
            paths.add(p);
            fileOffsets[i] = f.offset();
        }
    }

    List<Path> paths() {
        return paths;
    }

    long pieceOffset(int piece) {
        return (long) piece * meta.pieceLength();
    }

    /** Index of the file that holds byte {@code pos} of the torrent. */
    private int fileAt(long pos) {
        int lo = 0, hi = fileOffsets.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (fileOffsets[mid] <= pos) lo = mid; else hi = mid - 1;
        }
        // Skip zero-length files that share the offset with the next one.
        while (lo < fileOffsets.length - 1 && meta.files().get(lo).length() == 0) lo++;
        return lo;
    }

    private synchronized FileChannel channel(int i, boolean create) throws IOException {
        FileChannel c = channels[i];
        if (c != null) return c;
        Path p = paths.get(i);
        if (!create && !Files.exists(p)) return null;
        if (create) Files.createDirectories(p.getParent());
        try {
            c = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.CREATE);
        } catch (java.nio.file.AccessDeniedException e) {
            if (create) throw e;
            c = FileChannel.open(p, StandardOpenOption.READ);
        }
        channels[i] = c;
        return c;
    }

    /**
     * The file's direct-I/O channel, opened on first use; null when direct writes are off or the filesystem refuses
     * them (then the file is written through the page cache from then on).
     */
    private synchronized FileChannel directChannel(int i) {
        if (!directWrites || directBlockSize[i] == NO_DIRECT) return null;
        FileChannel c = directChannels[i];
        if (c != null) return c;
        Path p = paths.get(i);
        try {
            long bs = Files.getFileStore(p).getBlockSize();
            if (bs <= 0 || bs > DIRECT_ALIGNMENT || DIRECT_ALIGNMENT % bs != 0) throw new IOException("block size " + bs);
            c = FileChannel.open(p, StandardOpenOption.WRITE, com.sun.nio.file.ExtendedOpenOption.DIRECT);
            directBlockSize[i] = (int) bs;
            directChannels[i] = c;
            return c;
        } catch (IOException | UnsupportedOperationException e) {
            directBlockSize[i] = NO_DIRECT;
            return null;
        }
    }

    /** Zero-length files hold no piece bytes, so nothing else would ever create them. */
    void createEmptyFiles(java.util.Set<Integer> selected) throws IOException {
        List<FileEntry> files = meta.files();
        for (int i = 0; i < files.size(); i++) {
            if (files.get(i).length() != 0 || files.get(i).padding() || (!selected.isEmpty() && !selected.contains(i))) continue;
            Path p = paths.get(i);
            if (!Files.exists(p)) {
                Files.createDirectories(p.getParent());
                Files.createFile(p);
            }
        }
    }

    /** Writes a verified piece (the buffer's remaining bytes) at its place in the files. */
    void writePiece(int piece, ByteBuffer data) throws IOException {
        ByteBuffer b = data.duplicate();
        long pos = pieceOffset(piece);
        while (b.hasRemaining()) {
            int fi = fileAt(pos);
            FileEntry f = meta.files().get(fi);
            long inFile = pos - f.offset();
            int n = (int) Math.min(b.remaining(), f.length() - inFile);
            if (!f.padding()) {
                FileChannel c = channel(fi, true);
                ByteBuffer part = b.slice(b.position(), n);
                long at = writeDirect(fi, part, inFile);
                while (part.hasRemaining()) at += c.write(part, at);
            }
            b.position(b.position() + n);
            pos += n;
        }
    }

    /**
     * Writes the longest block-aligned prefix of {@code part} with direct I/O when that is on and possible, advancing the
     * buffer; returns the file position where the rest (if any) goes through the page cache.
     */
    private long writeDirect(int fi, ByteBuffer part, long at) throws IOException {
        FileChannel d = directChannel(fi);
        if (d == null) return at;
        int bs = directBlockSize[fi];
        int aligned = part.remaining() - part.remaining() % bs;
        if (aligned == 0 || at % bs != 0 || part.alignmentOffset(part.position(), bs) != 0) return at;
        ByteBuffer head = part.slice(part.position(), aligned);
        try {
            long pos = at;
            while (head.hasRemaining()) pos += d.write(head, pos);
        } catch (IOException e) {
            // Some filesystems open O_DIRECT files but refuse the writes; the buffered channel takes over, from the start.
            synchronized (this) {
                directBlockSize[fi] = NO_DIRECT;
            }
            return at;
        }
        part.position(part.position() + aligned);
        directBytes.add(aligned);
        return at + aligned;
    }

    /** Bytes written with direct I/O so far (the rest went through the page cache). */
    long directBytesWritten() {
        return directBytes.sum();
    }

    /**
     * Reads piece bytes into {@code dst}; returns false if some non-padding file is missing or too short
     * (the piece cannot be complete, no need to hash it).
     */
    boolean readPiece(int piece, ByteBuffer dst) throws IOException {
        return readAt(pieceOffset(piece), dst);
    }

    private boolean readAt(long pos, ByteBuffer dst) throws IOException {
        while (dst.hasRemaining()) {
            int fi = fileAt(pos);
            FileEntry f = meta.files().get(fi);
            long inFile = pos - f.offset();
            int n = (int) Math.min(dst.remaining(), f.length() - inFile);
            ByteBuffer part = dst.slice(dst.position(), n);
            if (f.padding()) {
                while (part.hasRemaining()) part.put((byte) 0);
            } else {
                FileChannel c = channel(fi, false);
                if (c == null) return false;
                long at = inFile;
                while (part.hasRemaining()) {
                    // a file shorter than the torrent says ends in EOF here: no size() call (an fstat per block) up front
                    int r = c.read(part, at);
                    if (r < 0) return false;
                    at += r;
                }
            }
            dst.position(dst.position() + n);
            pos += n;
        }
        return true;
    }

    @Override
    public void transferBlock(int piece, int begin, int length, WritableByteChannel out) throws IOException {
        long pos = pieceOffset(piece) + begin;
        long left = length;
        while (left > 0) {
            int fi = fileAt(pos);
            FileEntry f = meta.files().get(fi);
            long inFile = pos - f.offset();
            long n = Math.min(left, f.length() - inFile);
            if (f.padding()) {
                ByteBuffer zeros = ByteBuffer.allocate((int) n);
                while (zeros.hasRemaining()) out.write(zeros);
            } else {
                FileChannel c = channel(fi, false);
                if (c == null) throw new IOException("file missing while uploading: " + paths.get(fi));
                long at = inFile, end = inFile + n;
                while (at < end) {
                    long t = c.transferTo(at, end - at, out);
                    if (t <= 0 && at >= c.size()) throw new IOException("file truncated while uploading: " + paths.get(fi));
                    at += t;
                }
            }
            pos += n;
            left -= n;
        }
    }

    /** Whether every non-padding byte of the piece lies inside an existing file (a cheap sanity check, no hashing). */
    boolean present(int piece) {
        long pos = pieceOffset(piece), end = pos + (piece == meta.pieceCount() - 1 ? meta.totalLength() - pos : meta.pieceLength());
        while (pos < end) {
            int fi = fileAt(pos);
            FileEntry f = meta.files().get(fi);
            long n = Math.min(end - pos, f.length() - (pos - f.offset()));
            if (!f.padding()) {
                try {
                    if (!Files.exists(paths.get(fi)) || Files.size(paths.get(fi)) < pos - f.offset() + n) return false;
                } catch (IOException e) {
                    return false;
                }
            }
            pos += n;
        }
        return true;
    }

    @Override
    public void readBlock(int piece, int begin, int length, ByteBuffer dst) throws IOException {
        ByteBuffer part = dst.slice(dst.position(), length);
        if (!readAt(pieceOffset(piece) + begin, part)) throw new IOException("piece " + piece + " is not on disk");
        dst.position(dst.position() + length);
    }

    /** Size and modification time of each file, for the resume file's "nothing changed" check; -1 for a missing file. */
    long[][] fileStamps() {
        long[][] r = new long[paths.size()][2];
        for (int i = 0; i < paths.size(); i++) {
            Path p = paths.get(i);
            try {
                r[i][0] = Files.size(p);
                r[i][1] = Files.getLastModifiedTime(p).toMillis();
            } catch (IOException e) {
                r[i][0] = -1;
                r[i][1] = -1;
            }
        }
        return r;
    }

    void force() throws IOException {
        for (FileChannel c : snapshot()) c.force(false);
    }

    private synchronized List<FileChannel> snapshot() {
        List<FileChannel> all = new ArrayList<>();
        for (FileChannel c : channels) if (c != null) all.add(c);
        for (FileChannel d : directChannels) if (d != null) all.add(d);
        return all;
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        for (int i = 0; i < channels.length; i++) {
            FileChannel[] both;
            synchronized (this) {
                both = new FileChannel[] {channels[i], directChannels[i]};
                channels[i] = null;
                directChannels[i] = null;
            }
            for (FileChannel c : both) {
                if (c == null) continue;
                try {
                    c.close();
                } catch (IOException e) {
                    if (first == null) first = e;
                }
            }
        }
        if (first != null) throw first;
    }
}
