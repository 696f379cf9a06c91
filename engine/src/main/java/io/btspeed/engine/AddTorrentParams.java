package io.btspeed.engine;

import io.btspeed.protocol.magnet.MagnetUri;
import io.btspeed.protocol.metainfo.Metainfo;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What to add to a session: exactly one of {@code metainfo} and {@code magnet}.
 *
 * @param downloadDir   directory the torrent's name (file or folder) is placed in
 * @param peers         peers to dial right away (besides trackers and PEX)
 * @param selectedFiles indexes into {@code Metainfo.files()} to download; empty = all
 * @param useTrackers   announce to the torrent's trackers
 */
public record AddTorrentParams(Metainfo metainfo, MagnetUri magnet, Path downloadDir, List<InetSocketAddress> peers,
                               Set<Integer> selectedFiles, boolean useTrackers) {
    public AddTorrentParams {
        if ((metainfo == null) == (magnet == null)) {
            throw new IllegalArgumentException("give exactly one of a metainfo and a magnet link");
        }
        Objects.requireNonNull(downloadDir, "downloadDir");
        peers = peers == null ? List.of() : List.copyOf(peers);
        selectedFiles = selectedFiles == null ? Set.of() : Set.copyOf(selectedFiles);
    }

    public static AddTorrentParams of(Metainfo metainfo, Path downloadDir) {
        return new AddTorrentParams(metainfo, null, downloadDir, List.of(), Set.of(), true);
    }

    public static AddTorrentParams of(MagnetUri magnet, Path downloadDir) {
        return new AddTorrentParams(null, magnet, downloadDir, List.of(), Set.of(), true);
    }

    public AddTorrentParams withPeers(List<InetSocketAddress> newPeers) {
        return new AddTorrentParams(metainfo, magnet, downloadDir, newPeers, selectedFiles, useTrackers);
    }

    public AddTorrentParams withSelectedFiles(Set<Integer> files) {
        return new AddTorrentParams(metainfo, magnet, downloadDir, peers, files, useTrackers);
    }

    public AddTorrentParams withTrackers(boolean use) {
        return new AddTorrentParams(metainfo, magnet, downloadDir, peers, selectedFiles, use);
    }
}
