package io.btspeed.interop.harness;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Test payloads and their comparison: every file's SHA-256, so a difference names the file. */
public final class Content {
    private Content() {}

    public static Path randomFile(Path file, long size, long seed) throws IOException {
        Files.createDirectories(file.getParent());
        SplittableRandom r = new SplittableRandom(seed);
        byte[] buf = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(file)) {
            long left = size;
            while (left > 0) {
                for (int i = 0; i < buf.length; i++) buf[i] = (byte) r.nextInt();
                int n = (int) Math.min(buf.length, left);
                out.write(buf, 0, n);
                left -= n;
            }
        }
        return file;
    }

    /** A folder with a few files of awkward sizes (not multiples of the piece size) in subfolders. */
    public static Path randomTree(Path dir, long seed) throws IOException {
        randomFile(dir.resolve("a.bin"), 1_234_567, seed);
        randomFile(dir.resolve("sub/b.bin"), 777_777, seed + 1);
        randomFile(dir.resolve("sub/deeper/c.txt"), 12_345, seed + 2);
        randomFile(dir.resolve("z.dat"), 2_000_001, seed + 3);
        return dir;
    }

    /** Relative path → SHA-256 hex of every regular file under root (a single file maps to its name). */
    public static Map<String, String> digests(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        if (Files.isRegularFile(root)) {
            out.put(root.getFileName().toString(), sha256(root));
            return out;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (Files.isRegularFile(p)) out.put(root.relativize(p).toString(), sha256(p));
            }
        }
        return out;
    }

    public static String sha256(Path file) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            try (var in = Files.newInputStream(file)) {
                byte[] buf = new byte[1 << 16];
                int n;
                while ((n = in.read(buf)) > 0) md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
