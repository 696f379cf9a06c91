package io.btspeed.engine.create;

import io.btspeed.protocol.bencode.BBytes;
import io.btspeed.protocol.bencode.BDict;
import io.btspeed.protocol.bencode.BInt;
import io.btspeed.protocol.bencode.BList;
import io.btspeed.protocol.bencode.BValue;
import io.btspeed.protocol.bencode.Bencode;
import io.btspeed.protocol.metainfo.Metainfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Hashes a file or a directory into a v1 torrent. Files are read once, sequentially (fast on any
 * disk), while the SHA-1 of each piece is computed on a pool of threads so that hashing runs at
 * the speed of all cores rather than one.
 */
public final class TorrentCreator {
    /** Called from the reading thread with bytes hashed so far and the total. */
    @FunctionalInterface
    public interface ProgressListener {
        void progress(long done, long total);
    }

    /** One regular file of the content, with its path relative to the root (components). */
    record SourceFile(Path path, List<String> components, long length) {}

    public static final int MIN_PIECE = 16 * 1024;
    public static final int MAX_AUTO_PIECE = 16 * 1024 * 1024;

    private final Path root;
    private final List<List<String>> trackers;
    private final int pieceLength;
    private final boolean privateFlag;
    private final String comment;
    private final String createdBy;
    private final Clock clock;
    private final int threads;

    private TorrentCreator(Builder b) {
        this.root = b.root;
        this.trackers = List.copyOf(b.trackers);
        this.pieceLength = b.pieceLength;
        this.privateFlag = b.privateFlag;
        this.comment = b.comment;
        this.createdBy = b.createdBy;
        this.clock = b.clock;
        this.threads = b.threads;
    }

    public static Builder builder(Path root) {
        return new Builder(root);
    }

    public static final class Builder {
        private final Path root;
        private List<List<String>> trackers = List.of();
        private int pieceLength;
        private boolean privateFlag;
        private String comment;
        private String createdBy = "btspeed/0.1";
        private Clock clock = Clock.systemUTC();
        private int threads = Math.max(1, Runtime.getRuntime().availableProcessors());

        private Builder(Path root) {
            this.root = Objects.requireNonNull(root, "root");
        }

        /** Announce tiers (BEP 12); the first URL also becomes {@code announce}. */
        public Builder trackers(List<List<String>> tiers) {
            this.trackers = tiers == null ? List.of() : tiers.stream().map(List::copyOf).toList();
            return this;
        }

        /** Piece length in bytes, a power of two ≥ 16 KiB; 0 chooses one from the total size. */
        public Builder pieceLength(int bytes) {
            if (bytes != 0 && (bytes < MIN_PIECE || Integer.bitCount(bytes) != 1)) {
                throw new IllegalArgumentException("piece length must be a power of two >= 16 KiB, got " + bytes);
            }
            this.pieceLength = bytes;
            return this;
        }

        public Builder privateFlag(boolean b) {
            this.privateFlag = b;
            return this;
        }

        public Builder comment(String c) {
            this.comment = c;
            return this;
        }

        /** null leaves the field out (useful to compare with other tools byte for byte). */
        public Builder createdBy(String c) {
            this.createdBy = c;
            return this;
        }

        /** null clock leaves out the creation date. */
        public Builder clock(Clock c) {
            this.clock = c;
            return this;
        }

        public Builder threads(int n) {
            this.threads = Math.max(1, n);
            return this;
        }

        public TorrentCreator build() {
            return new TorrentCreator(this);
        }
    }

    /** Aims at roughly 1,000–2,000 pieces: small enough metadata, fine enough verification. */
    public static int autoPieceLength(long totalBytes) {
        int p = MIN_PIECE;
        while (p < MAX_AUTO_PIECE && totalBytes / p > 2000) p <<= 1;
        return p;
    }

    public Metainfo create() throws IOException {
        return create((d, t) -> {});
    }

    /** Reads and hashes the content and returns the parsed result of the .torrent it builds. */
    public Metainfo create(ProgressListener progress) throws IOException {
        boolean single = Files.isRegularFile(root);
        if (!single && !Files.isDirectory(root)) throw new IOException("not a file or directory: " + root);
        List<SourceFile> files = single
                ? List.of(new SourceFile(root, List.of(), Files.size(root)))
                : listFiles(root);
        if (!single && files.isEmpty()) throw new IOException("directory has no files: " + root);
        long total = 0;
        for (SourceFile f : files) total = Math.addExact(total, f.length());
        if (total == 0) throw new IOException("nothing to share: " + root + " is empty");
        int plen = pieceLength != 0 ? pieceLength : autoPieceLength(total);
        byte[] hashes = hashPieces(files, total, plen, progress);

        String name = root.toAbsolutePath().normalize().getFileName() == null
                ? "content" : root.toAbsolutePath().normalize().getFileName().toString();
        BDict.Builder info = BDict.builder();
        if (single) {
            info.put("length", new BInt(total));
        } else {
            List<BValue> fl = new ArrayList<>();
            for (SourceFile f : files) {
                List<BValue> comps = f.components().stream().<BValue>map(BBytes::of).toList();
                fl.add(BDict.builder().put("length", new BInt(f.length())).put("path", new BList(comps)).build());
            }
            info.put("files", new BList(fl));
        }
        info.put("name", BBytes.of(name));
        info.put("piece length", new BInt(plen));
        info.put("pieces", new BBytes(hashes));
        if (privateFlag) info.put("private", new BInt(1));

        BDict.Builder torrent = BDict.builder();
        if (!trackers.isEmpty() && !trackers.get(0).isEmpty()) {
            torrent.put("announce", BBytes.of(trackers.get(0).get(0)));
            if (trackers.size() > 1 || trackers.get(0).size() > 1) {
                List<BValue> tiers = new ArrayList<>();
                for (List<String> tier : trackers) tiers.add(new BList(tier.stream().<BValue>map(BBytes::of).toList()));
                torrent.put("announce-list", new BList(tiers));
            }
        }
        if (comment != null && !comment.isEmpty()) torrent.put("comment", BBytes.of(comment));
        if (createdBy != null) torrent.put("created by", BBytes.of(createdBy));
        if (clock != null) torrent.put("creation date", new BInt(clock.instant().getEpochSecond()));
        torrent.put("info", info.build());
        // Bencode.encode sorts keys, so the info dict is canonical and its hash is what others compute.
        return Metainfo.parse(Bencode.encode(torrent.build()));
    }

    /** Regular files under dir, sorted by path so that the same folder always gives the same torrent. */
    static List<SourceFile> listFiles(Path dir) throws IOException {
        List<SourceFile> out = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                // symbolic links are not followed: a link could point outside the shared folder
                if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) continue;
                Path rel = dir.relativize(p);
                List<String> comps = new ArrayList<>();
                for (Path c : rel) comps.add(c.toString());
                out.add(new SourceFile(p, List.copyOf(comps), Files.size(p)));
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        out.sort((a, b) -> compareComponents(a.components(), b.components()));
        return out;
    }

    private static int compareComponents(List<String> a, List<String> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = a.get(i).compareTo(b.get(i));
            if (c != 0) return c;
        }
        return Integer.compare(a.size(), b.size());
    }

    private byte[] hashPieces(List<SourceFile> files, long total, int plen, ProgressListener progress) throws IOException {
        int pieces = (int) ((total + plen - 1) / plen);
        byte[] hashes = new byte[Math.multiplyExact(pieces, 20)];
        // A bounded window of in-flight pieces keeps memory at (threads × 2) pieces whatever the size.
        int window = threads * 2;
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "torrent-hash");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> inflight = new ArrayList<>();
            ArrayList<ByteBuffer> free = new ArrayList<>();
            int piece = 0;
            ByteBuffer buf = ByteBuffer.allocate(plen);
            long done = 0;
            for (SourceFile f : files) {
                try (FileChannel ch = FileChannel.open(f.path(), StandardOpenOption.READ)) {
                    long pos = 0;
                    while (pos < f.length()) {
                        int n = ch.read(buf, pos);
                        if (n < 0) throw new IOException(f.path() + " shrank while it was being hashed");
                        pos += n;
                        done += n;
                        if (!buf.hasRemaining()) {
                            submit(pool, inflight, free, buf, piece++, hashes, window);
                            buf = takeBuffer(free, plen);
                            progress.progress(done, total);
                        }
                    }
                    if (pos != f.length() || ch.size() != f.length()) {
                        throw new IOException(f.path() + " changed size while it was being hashed");
                    }
                }
            }
            if (buf.position() > 0) submit(pool, inflight, free, buf, piece++, hashes, window);
            for (Future<?> fu : inflight) await(fu);
            progress.progress(total, total);
            if (piece != pieces) throw new IllegalStateException("hashed " + piece + " pieces, expected " + pieces);
            return hashes;
        } finally {
            pool.shutdownNow();
        }
    }

    private static void submit(ExecutorService pool, List<Future<?>> inflight, List<ByteBuffer> free, ByteBuffer buf,
                               int piece, byte[] hashes, int window) throws IOException {
        ByteBuffer data = buf.flip();
        while (inflight.size() >= window) await(inflight.removeFirst());
        inflight.add(pool.submit(() -> {
            MessageDigest sha1 = sha1();
            sha1.update(data.duplicate());
            System.arraycopy(sha1.digest(), 0, hashes, piece * 20, 20);
            synchronized (free) {
                free.add(data);
            }
        }));
    }

    private static ByteBuffer takeBuffer(List<ByteBuffer> free, int plen) {
        synchronized (free) {
            if (!free.isEmpty()) return free.removeLast().clear();
        }
        return ByteBuffer.allocate(plen);
    }

    private static void await(Future<?> f) throws IOException {
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while hashing", e);
        } catch (ExecutionException e) {
            throw new IOException("hashing failed: " + e.getCause(), e.getCause());
        }
    }

    private static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-1", e);
        }
    }
}
