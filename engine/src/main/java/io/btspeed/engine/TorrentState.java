package io.btspeed.engine;

/** Life-cycle state of one torrent inside a {@link Session}. */
public enum TorrentState {
    /** Existing data on disk is being verified against the piece hashes. */
    CHECKING,
    /** Added from a magnet link; the info dictionary is being fetched from peers (BEP 9). */
    FETCHING_METADATA,
    DOWNLOADING,
    /** Every selected piece is verified; the torrent only uploads. */
    SEEDING,
    PAUSED,
    /** Unrecoverable storage error; {@link TorrentStatus#error()} says what happened. */
    ERROR
}
