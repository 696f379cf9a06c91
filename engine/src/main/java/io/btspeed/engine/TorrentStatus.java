package io.btspeed.engine;

/**
 * Point-in-time snapshot of a torrent, safe to hand to a UI thread.
 *
 * @param wantedBytes     bytes of the pieces that belong to the selected files
 * @param wantedDoneBytes of those, bytes in verified pieces
 * @param downloadRate    payload bytes per second, averaged over the last few seconds
 * @param error           null unless {@code state == ERROR}
 */
public record TorrentStatus(TorrentState state, long wantedBytes, long wantedDoneBytes, long downloadRate, long uploadRate,
                            int peers, int seeds, long totalDownloaded, long totalUploaded, String error) {
    /** Fraction done in [0,1]; 0 while the size is still unknown (magnet without metadata). */
    public double progress() {
        return wantedBytes == 0 ? 0.0 : (double) wantedDoneBytes / wantedBytes;
    }
}
