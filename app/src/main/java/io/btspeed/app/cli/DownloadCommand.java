package io.btspeed.app.cli;

import io.btspeed.app.UserException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "download", description = {
        "Download a torrent or magnet link into DIR. Exits 0 once every selected piece is verified;",
        "with --seed it keeps seeding until stopped (Ctrl-C). Stopping and starting again resumes."})
public final class DownloadCommand implements Callable<Integer> {
    @Parameters(paramLabel = "TORRENT|MAGNET", description = "a .torrent file or a magnet: link")
    String source;

    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "download directory")
    Path dir;

    @Option(names = "--seed", description = "keep seeding after the download completes")
    boolean seed;

    @Option(names = "--download-limit", paramLabel = "RATE", converter = SizeConverter.class,
            description = "download limit in bytes/s, e.g. 500K, 10M (default: unlimited)")
    long downloadLimit;

    @Option(names = "--disk-writes", paramLabel = "direct|cached", defaultValue = "direct",
            description = {"direct: verified pieces go to disk without passing through the page cache (less CPU; falls back",
                    "to cached where the filesystem has no direct I/O); cached: through the page cache, which suits slow",
                    "spinning disks better (default: ${DEFAULT-VALUE})"})
    String diskWrites;

    @Option(names = "--files", paramLabel = "LIST",
            description = "download only these files, numbered as `btspeed info` lists them, e.g. 0,2-4 (default: all)")
    String files;

    @Mixin
    NetworkOptions net;

    @Mixin
    io.btspeed.app.market.MarketOptions market;

    @Override
    public Integer call() throws Exception {
        boolean direct = directWrites();
        TorrentSource src = TorrentSource.parse(source);
        var selection = FileSelection.parse(files, src);
        return new TorrentRun(net, downloadLimit, market, direct, selection).run(src, dir, seed, false);
    }

    boolean directWrites() {
        return switch (diskWrites) {
            case "direct" -> true;
            case "cached" -> false;
            default -> throw new UserException("--disk-writes must be direct or cached, not '" + diskWrites + "'");
        };
    }
}
