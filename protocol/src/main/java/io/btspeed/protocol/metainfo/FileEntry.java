package io.btspeed.protocol.metainfo;

import java.util.List;

/**
 * One file of a torrent.
 *
 * @param path    sanitised path components below the torrent's folder (for a single-file torrent: the name)
 * @param offset  where the file starts in the torrent's byte stream
 * @param padding a BEP 47 padding file: zeros that are never written to disk
 */
public record FileEntry(List<String> path, long length, long offset, boolean padding) {
    public FileEntry {
        path = List.copyOf(path);
    }

    public long end() {
        return offset + length;
    }
}
