package io.btspeed.app.cli;

import io.btspeed.app.UserException;
import io.btspeed.protocol.ProtocolException;
import io.btspeed.protocol.magnet.MagnetUri;
import io.btspeed.protocol.metainfo.Metainfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** What the user named on the command line: a .torrent file or a magnet link. */
public sealed interface TorrentSource {
    record File(Path path, Metainfo metainfo) implements TorrentSource {}

    record Magnet(MagnetUri magnet) implements TorrentSource {}

    /** Largest .torrent we read: real ones with millions of pieces stay well below this. */
    long MAX_TORRENT_FILE = 64L << 20;

    static TorrentSource parse(String arg) {
        if (arg.regionMatches(true, 0, "magnet:", 0, 7)) {
            try {
                return new Magnet(MagnetUri.parse(arg));
            } catch (ProtocolException e) {
                throw new UserException("not a valid magnet link: " + e.getMessage());
            }
        }
        return new File(Path.of(arg), readTorrent(Path.of(arg)));
    }

    static Metainfo readTorrent(Path path) {
        byte[] bytes;
        try {
            if (Files.isDirectory(path)) {
                throw new UserException(path + " is a directory, not a .torrent file");
            }
            if (Files.size(path) > MAX_TORRENT_FILE) {
                throw new UserException(path + " is too large to be a .torrent file (" + Sizes.format(Files.size(path)) + ")");
            }
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new UserException("no such file: " + path);
        } catch (IOException e) {
            throw new UserException("cannot read " + path + ": " + e.getMessage());
        }
        try {
            return Metainfo.parse(bytes);
        } catch (ProtocolException e) {
            throw new UserException("not a valid torrent file: " + path + ": " + e.getMessage());
        }
    }
}
