package io.btspeed.app.cli;

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

    @Mixin
    NetworkOptions net;

    @Mixin
    io.btspeed.app.market.MarketOptions market;

    @Override
    public Integer call() throws Exception {
        return new TorrentRun(net, downloadLimit, market).run(TorrentSource.parse(source), dir, seed, false);
    }
}
