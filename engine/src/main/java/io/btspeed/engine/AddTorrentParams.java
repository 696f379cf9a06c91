package io.btspeed.engine;

import io.btspeed.protocol.magnet.MagnetUri;
import io.btspeed.protocol.metainfo.Metainfo;

import java.net.InetSocketAddress;
import io.btspeed.core.choke.SlotPolicy;
import io.btspeed.engine.ext.TorrentExtension;
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
 * @param slotPolicy    who gets upload slots each choke round; null for classic tit-for-tat
 *                      ({@link io.btspeed.core.choke.TitForTatPolicy}); the market plugs in here
 * @param extensions    BEP 10 extensions of this torrent beyond ut_metadata and ut_pex
 */
public record AddTorrentParams(Metainfo metainfo, MagnetUri magnet, Path downloadDir, List<InetSocketAddress> peers,
                               Set<Integer> selectedFiles, boolean useTrackers, SlotPolicy slotPolicy,
                               List<TorrentExtension> extensions) {
    public AddTorrentParams(Metainfo metainfo, MagnetUri magnet, Path downloadDir, List<InetSocketAddress> peers,
                            Set<Integer> selectedFiles, boolean useTrackers) {
        this(metainfo, magnet, downloadDir, peers, selectedFiles, useTrackers, null, List.of());
    }

    public AddTorrentParams {
        if ((metainfo == null) == (magnet == null)) {
            throw new IllegalArgumentException("give exactly one of a metainfo and a magnet link");
        }
        Objects.requireNonNull(downloadDir, "downloadDir");
        peers = peers == null ? List.of() : List.copyOf(peers);
        selectedFiles = selectedFiles == null ? Set.of() : Set.copyOf(selectedFiles);
        extensions = extensions == null ? List.of() : List.copyOf(extensions);
        Set<String> names = new java.util.HashSet<>();
        for (TorrentExtension e : extensions) {
            if (e.name().equals("ut_metadata") || e.name().equals("ut_pex") || !names.add(e.name())) {
                throw new IllegalArgumentException("extension name '" + e.name() + "' is taken");
            }
        }
        if (extensions.size() > 200) throw new IllegalArgumentException("too many extensions");
    }

    public static AddTorrentParams of(Metainfo metainfo, Path downloadDir) {
        return new AddTorrentParams(metainfo, null, downloadDir, List.of(), Set.of(), true);
    }

    public static AddTorrentParams of(MagnetUri magnet, Path downloadDir) {
        return new AddTorrentParams(null, magnet, downloadDir, List.of(), Set.of(), true);
    }

    public AddTorrentParams withPeers(List<InetSocketAddress> newPeers) {
        return new AddTorrentParams(metainfo, magnet, downloadDir, newPeers, selectedFiles, useTrackers, slotPolicy, extensions);
    }

    public AddTorrentParams withSelectedFiles(Set<Integer> files) {
        return new AddTorrentParams(metainfo, magnet, downloadDir, peers, files, useTrackers, slotPolicy, extensions);
    }

    public AddTorrentParams withTrackers(boolean use) {
        return new AddTorrentParams(metainfo, magnet, downloadDir, peers, selectedFiles, use, slotPolicy, extensions);
    }

    /** A slot policy of its own per torrent: policies keep state (the optimistic peer, bids) between rounds. */
    public AddTorrentParams withSlotPolicy(SlotPolicy policy) {
        return new AddTorrentParams(metainfo, magnet, downloadDir, peers, selectedFiles, useTrackers, policy, extensions);
    }

    public AddTorrentParams withExtensions(List<TorrentExtension> exts) {
        return new AddTorrentParams(metainfo, magnet, downloadDir, peers, selectedFiles, useTrackers, slotPolicy, exts);
    }
}
