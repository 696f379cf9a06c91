package io.btspeed.engine.torrent;

import io.btspeed.core.bitfield.Bitfield;
import io.btspeed.engine.net.WireViolation;
import io.btspeed.protocol.metainfo.InfoHash;
import io.btspeed.protocol.wire.AllowedFast;
import io.btspeed.protocol.wire.BitfieldMsg;
import io.btspeed.protocol.wire.Have;
import io.btspeed.protocol.wire.HaveAll;
import io.btspeed.protocol.wire.HaveNone;

import java.util.BitSet;

/** What we say about our pieces on a new connection, and bitfields to and from the wire (BEP 3, BEP 6). */
final class PeerWire {
    private PeerWire() {
    }

    /** Our first message (bitfield, have-all or have-none) and the allowed-fast pieces a choked newcomer may fetch. */
    static void sendFirstMessage(Peer p, BitSet have, int pieceCount, InfoHash infoHash) {
        sendFirstPieceMessage(p, have, pieceCount);
        if (p.conn.remoteSupportsFast() && !have.isEmpty()) {
            // Pieces a choked newcomer may fetch from us anyway, so it has something to trade quickly.
            for (int piece : AllowedFastSet.compute(p.conn.remoteAddress().getAddress(), infoHash, pieceCount, AllowedFastSet.K)) {
                if (p.allowedFastOut.add(piece) && have.get(piece)) p.conn.send(new AllowedFast(piece));
            }
        }
    }

    private static void sendFirstPieceMessage(Peer p, BitSet have, int n) {
        if (p.sentFirstMessage) {
            // Magnet case: we already said HaveNone (or nothing); announce what we now hold piece by piece.
            for (int i = have.nextSetBit(0); i >= 0; i = have.nextSetBit(i + 1)) p.conn.send(new Have(i));
            return;
        }
        p.sentFirstMessage = true;
        boolean fast = p.conn.remoteSupportsFast();
        if (fast && have.cardinality() == n) p.conn.send(new HaveAll());
        else if (fast && have.isEmpty()) p.conn.send(new HaveNone());
        else if (!have.isEmpty()) p.conn.send(new BitfieldMsg(toWire(have, n)));
    }

    static byte[] toWire(BitSet bits, int n) {
        byte[] out = new byte[(n + 7) / 8];
        for (int i = bits.nextSetBit(0); i >= 0 && i < n; i = bits.nextSetBit(i + 1)) out[i >>> 3] |= (byte) (0x80 >>> (i & 7));
        return out;
    }

    static Bitfield fromWire(byte[] bytes, int n) throws WireViolation {
        try {
            return Bitfield.fromBytes(bytes, n);
        } catch (IllegalArgumentException e) {
            throw new WireViolation(e.getMessage());
        }
    }
}
