package io.btspeed.app.cli;

import io.btspeed.app.UserException;
import io.btspeed.engine.create.TorrentCreator;
import io.btspeed.protocol.metainfo.Metainfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "create", description = "Create a .torrent file from a file or a directory.")
public final class CreateCommand implements Callable<Integer> {
    @Parameters(paramLabel = "PATH", description = "file or directory to share")
    Path path;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT.torrent", description = "where to write the .torrent")
    Path out;

    @Option(names = "--tracker", paramLabel = "URL",
            description = "announce URL (repeatable; each --tracker is its own tier, commas put URLs in the same tier)")
    List<String> trackers = new ArrayList<>();

    @Option(names = "--piece-size", paramLabel = "BYTES", converter = SizeConverter.class,
            description = "piece size, a power of two from 16K (default: chosen from the total size)")
    Long pieceSize;

    @Option(names = "--private", description = "mark the torrent private (BEP 27: trackers only, no DHT/PEX)")
    boolean privateFlag;

    @Option(names = "--comment", paramLabel = "TEXT", description = "a comment stored in the torrent")
    String comment;

    @Option(names = {"-f", "--force"}, description = "overwrite OUT.torrent if it exists")
    boolean force;

    @Override
    public Integer call() throws Exception {
        if (!Files.exists(path)) throw new UserException("no such file or directory: " + path);
        if (Files.exists(out) && !force) throw new UserException(out + " already exists (use --force to overwrite)");
        if (pieceSize != null && (pieceSize < 16384 || Long.bitCount(pieceSize) != 1 || pieceSize > (1L << 30))) {
            throw new UserException("--piece-size must be a power of two between 16K and 1G, got " + pieceSize);
        }
        List<List<String>> tiers = new ArrayList<>();
        for (String t : trackers) {
            List<String> tier = Arrays.stream(t.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
            for (String url : tier) {
                if (!(url.startsWith("http://") || url.startsWith("https://") || url.startsWith("udp://"))) {
                    throw new UserException("tracker URL must start with http://, https:// or udp://: " + url);
                }
            }
            if (!tier.isEmpty()) tiers.add(tier);
        }
        Progress progress = Progress.forStdout();
        TorrentCreator.Builder b = TorrentCreator.builder(path).trackers(tiers).privateFlag(privateFlag).comment(comment);
        if (pieceSize != null) b.pieceLength(pieceSize.intValue());
        Metainfo m;
        try {
            m = b.build().create((done, total) -> progress.update(new Progress.Snapshot("hashing", done, total, 0, -1, null)));
        } catch (IOException e) {
            throw new UserException("cannot read " + path + ": " + e.getMessage());
        }
        progress.finish(new Progress.Snapshot("hashing", m.totalLength(), m.totalLength(), 0, -1, null));
        try {
            Path parent = out.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            Files.write(out, m.toTorrentFile());
        } catch (IOException e) {
            throw new UserException("cannot write " + out + ": " + e.getMessage());
        }
        System.out.println("created " + out + ": " + m.name() + ", " + Sizes.format(m.totalLength()) + ", "
                + m.pieceCount() + " pieces of " + Sizes.format(m.pieceLength()) + ", info-hash " + m.infoHash().hex());
        return 0;
    }
}
