package io.btspeed.app.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "seed", description = {
        "Seed a torrent whose data is already in DIR. The data is verified first (or trusted from",
        "resume data after a clean stop); runs until stopped (Ctrl-C)."})
public final class SeedCommand implements Callable<Integer> {
    @Parameters(paramLabel = "TORRENT", description = "the .torrent file")
    String torrent;

    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "directory holding the torrent's data")
    Path dir;

    @Mixin
    NetworkOptions net;

    @Mixin
    io.btspeed.app.market.MarketOptions market;

    @Override
    public Integer call() throws Exception {
        TorrentSource src = TorrentSource.parse(torrent);
        if (src instanceof TorrentSource.Magnet) {
            throw new io.btspeed.app.UserException("seed needs a .torrent file; to fetch a magnet link use 'btspeed download MAGNET --seed'");
        }
        return new TorrentRun(net, 0, market).run(src, dir, true, true);
    }
}
