package io.btspeed.core.picker;

import java.util.List;

/**
 * What a received block meant to the picker.
 *
 * @param kind          new, duplicate (already had it) or unrequested (we never asked anyone for it)
 * @param pieceComplete every block of the piece is now here: the caller hashes it, then calls
 *                      onPieceVerified / onPieceFailed
 * @param cancelPeers   other peers that were asked for this same block (endgame): send them Cancel
 */
public record BlockResult(Kind kind, boolean pieceComplete, List<Object> cancelPeers) {
    public enum Kind { NEW, DUPLICATE, UNREQUESTED }
}
