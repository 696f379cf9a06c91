package io.btspeed.app.cli;

import io.btspeed.protocol.magnet.MagnetUri;
import io.btspeed.protocol.metainfo.FileEntry;
import io.btspeed.protocol.metainfo.Metainfo;
import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "info", description = "Show what a .torrent file holds: name, info-hash, size, pieces, files, trackers, magnet link.")
public final class InfoCommand implements Callable<Integer> {
    @Parameters(paramLabel = "TORRENT", description = "the .torrent file")
    String torrent;

    @Override
    public Integer call() {
        Metainfo m = TorrentSource.readTorrent(java.nio.file.Path.of(torrent));
        print(m, System.out);
        return 0;
    }

    static void print(Metainfo m, PrintStream out) {
        out.println("name:         " + m.name());
        out.println("info-hash:    " + m.infoHash().hex());
        out.println("size:         " + Sizes.format(m.totalLength()) + " (" + m.totalLength() + " bytes)");
        out.println("pieces:       " + m.pieceCount() + " x " + Sizes.format(m.pieceLength()));
        out.println("private:      " + (m.isPrivate() ? "yes" : "no"));
        if (m.createdBy() != null) out.println("created by:   " + m.createdBy());
        if (m.creationDate() > 0) out.println("created:      " + Instant.ofEpochSecond(m.creationDate()));
        if (m.comment() != null) out.println("comment:      " + m.comment());
        int tier = 0;
        for (List<String> t : m.announceTiers()) {
            out.println("tracker tier " + tier++ + ": " + String.join(", ", t));
        }
        List<FileEntry> files = m.files().stream().filter(f -> !f.padding()).toList();
        out.println("files:        " + files.size());
        int i = 0;
        for (FileEntry f : files) {
            out.printf("  %3d  %10s  %s%n", i++, Sizes.format(f.length()), String.join("/", f.path()));
        }
        List<String> trackers = m.announceTiers().stream().flatMap(List::stream).toList();
        out.println("magnet:       " + new MagnetUri(m.infoHash(), m.name(), trackers, List.of()).toUri());
    }
}
