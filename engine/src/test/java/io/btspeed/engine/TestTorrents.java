package io.btspeed.engine;

import io.btspeed.protocol.bencode.BBytes;
import io.btspeed.protocol.bencode.BDict;
import io.btspeed.protocol.bencode.BInt;
import io.btspeed.protocol.bencode.BList;
import io.btspeed.protocol.bencode.BValue;
import io.btspeed.protocol.bencode.Bencode;
import io.btspeed.protocol.metainfo.Metainfo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Builds test torrents from seeded random content written to disk. */
final class TestTorrents {
    private TestTorrents() {
    }

    /** Writes one file {@code dir/name} of {@code size} random bytes and returns its metainfo. */
    static Metainfo singleFile(Path dir, String name, int size, int pieceLength, long seed) throws IOException {
        byte[] data = random(size, seed);
        Files.createDirectories(dir);
        Files.write(dir.resolve(name), data);
        BDict info = BDict.builder()
                .put("length", new BInt(size))
                .put("name", BBytes.of(name))
                .put("piece length", new BInt(pieceLength))
                .put("pieces", new BBytes(hashes(data, pieceLength)))
                .build();
        return Metainfo.fromInfoDict(Bencode.encode(info), List.of());
    }

    /** Writes {@code dir/name/<file i>} for each size and returns the multi-file metainfo. */
    static Metainfo multiFile(Path dir, String name, int[] sizes, int pieceLength, long seed) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        List<BValue> files = new ArrayList<>();
        Random r = new Random(seed);
        for (int i = 0; i < sizes.length; i++) {
            byte[] data = random(sizes[i], r.nextLong());
            Path p = dir.resolve(name).resolve("sub" + (i % 2)).resolve("file" + i + ".bin");
            Files.createDirectories(p.getParent());
            Files.write(p, data);
            all.writeBytes(data);
            files.add(BDict.builder()
                    .put("length", new BInt(sizes[i]))
                    .put("path", new BList(List.of(BBytes.of("sub" + (i % 2)), BBytes.of("file" + i + ".bin"))))
                    .build());
        }
        BDict info = BDict.builder()
                .put("files", new BList(files))
                .put("name", BBytes.of(name))
                .put("piece length", new BInt(pieceLength))
                .put("pieces", new BBytes(hashes(all.toByteArray(), pieceLength)))
                .build();
        return Metainfo.fromInfoDict(Bencode.encode(info), List.of());
    }

    /** Like {@link #singleFile} but streams the content, so a GiB-sized file does not need a GiB of heap. */
    static Metainfo singleFileStreamed(Path dir, String name, long size, int pieceLength, long seed) throws IOException {
        Files.createDirectories(dir);
        Random r = new Random(seed);
        int pieces = (int) ((size + pieceLength - 1) / pieceLength);
        byte[] hashes = new byte[pieces * 20];
        byte[] buf = new byte[pieceLength];
        try (var out = Files.newOutputStream(dir.resolve(name))) {
            MessageDigest md = MessageDigest.getInstance("SHA-1");
            for (int i = 0; i < pieces; i++) {
                int n = (int) Math.min(pieceLength, size - (long) i * pieceLength);
                r.nextBytes(buf);
                out.write(buf, 0, n);
                md.update(buf, 0, n);
                System.arraycopy(md.digest(), 0, hashes, i * 20, 20);
            }
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        BDict info = BDict.builder()
                .put("length", new BInt(size))
                .put("name", BBytes.of(name))
                .put("piece length", new BInt(pieceLength))
                .put("pieces", new BBytes(hashes))
                .build();
        return Metainfo.fromInfoDict(Bencode.encode(info), List.of());
    }

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    static byte[] hashes(byte[] data, int pieceLength) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-1");
            int n = (data.length + pieceLength - 1) / pieceLength;
            byte[] out = new byte[n * 20];
            for (int i = 0; i < n; i++) {
                md.update(data, i * pieceLength, Math.min(pieceLength, data.length - i * pieceLength));
                System.arraycopy(md.digest(), 0, out, i * 20, 20);
            }
            return out;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every regular file under {@code root}, relative path → content. */
    static Map<String, byte[]> tree(Path root) throws IOException {
        Map<String, byte[]> m = new LinkedHashMap<>();
        try (var s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).sorted().toList()) m.put(root.relativize(p).toString(), Files.readAllBytes(p));
        }
        return m;
    }

    static void assertSameTree(Path expected, Path actual) throws IOException {
        Map<String, byte[]> e = tree(expected), a = tree(actual);
        if (!e.keySet().equals(a.keySet())) throw new AssertionError("files differ: expected " + e.keySet() + " got " + a.keySet());
        for (var en : e.entrySet()) {
            byte[] x = en.getValue(), y = a.get(en.getKey());
            if (!Arrays.equals(x, y)) {
                int i = Arrays.mismatch(x, y);
                throw new AssertionError(en.getKey() + " differs at byte " + i + " (sizes " + x.length + " / " + y.length + ")");
            }
        }
    }
}
