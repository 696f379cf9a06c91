package io.btspeed.protocol.wire;

/** Messages of the peer wire protocol (BEP 3), the Fast extension (BEP 6) and the BEP 10 envelope. */
public sealed interface PeerMessage permits KeepAlive, Choke, Unchoke, Interested, NotInterested, Have, BitfieldMsg,
        Request, Piece, Cancel, Port, SuggestPiece, HaveAll, HaveNone, RejectRequest, AllowedFast, Extended {
}
